import { ConfigError, loadConfig } from './config.ts';
import { congressFreshness } from './congress/freshness.ts';
import { ordinal } from './congress/ordinal.ts';
import { startServer } from './server.ts';

try {
  const config = loadConfig();
  const running = await startServer(config);
  const { store, congress } = running.deps;
  const lines = [
    `call-power listening on ${running.url} (public URL ${running.config.publicUrl})`,
    config.demo
      ? 'mode: DEMO — no Twilio credentials, so the built-in emulator plays the phone network; no real phone rings'
      : `mode: live Twilio (account ${config.twilio.accountSid.slice(0, 6)}…, caller id …${config.twilio.callerId.slice(-4)}, ${config.twilio.cps} calls/s)`,
    `store: ${store.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'}`,
    `congress data: ${ordinal(congress.meta.congress.number)} Congress, as of ${congress.meta.asOf}`,
    process.env.ADMIN_TOKEN ? 'admin token: from ADMIN_TOKEN' : `admin token (generated for this run): ${config.adminToken}`,
    ...(config.demo ? [`open ${running.url}/ to place a demo call and watch it`] : []),
  ];
  const { warning } = congressFreshness(congress, config.congressDataMaxAgeDays);
  if (warning) lines.push(`WARNING: ${warning}`);
  // Through the server's logger: live, a log collector reads these as JSON lines like the rest.
  for (const line of lines) running.deps.log(line);
  const stop = async (signal: NodeJS.Signals) => {
    const started = performance.now();
    await running.close();
    // The JSON logger flushes at exit; the text one writes to stdout, which exit() does not wait for on a pipe.
    running.deps.log(`call-power: stopped on ${signal} in ${((performance.now() - started) / 1000).toFixed(1)} s: no new dials claimed, live call streams ended (clients reconnect), requests in flight finished`);
    await new Promise((resolve) => process.stdout.write('', resolve));
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`call-power: bad configuration:\n${error.message}`);
  process.exit(1);
}
