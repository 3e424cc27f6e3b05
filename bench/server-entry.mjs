// The server under test, started by the bench harness with `fork` (it talks back over IPC).
// It runs the compiled server (dist/server, from `npm run build:server`), as `npm start` does,
// so memory and speed are the production figures. Its demo auth token signs webhooks; the
// harness needs it to sign its own.
import { loadConfig } from '../dist/server/config.js';
import { startServer } from '../dist/server/server.js';

const config = loadConfig(process.env);
if (!config.demo) throw new Error('bench servers run in demo mode only: unset TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');

const running = await startServer(config, {
  // The benches measure our own routes: emulated callers that answer would walk whole calls alongside the load.
  // BENCH_CALLERS=walk lets them answer and walk whole calls (the replicas bench follows those across processes).
  emulator: process.env.BENCH_CALLERS === 'walk' ? {} : { caller: () => ({ answer: 'no-answer' }) },
});

/** @param {import('./lib/server.ts').ReadyMessage | import('./lib/server.ts').MemoryMessage | import('./lib/server.ts').DialTimesMessage} message */
const send = (message) => process.send(message);
send({
  type: 'ready',
  url: running.url,
  publicUrl: running.config.publicUrl,
  authToken: running.config.twilio.authToken,
  adminToken: running.config.adminToken,
  store: running.deps.store.kind,
});
process.on('message', (message) => {
  if (message.type === 'memory') {
    globalThis.gc?.();
    send({ type: 'memory', usage: process.memoryUsage() });
  } else if (message.type === 'dial-times') {
    // When the emulator took each REST create: the dial queue's pace as Twilio would see it.
    const created = [...running.emulator.calls.values()].filter((call) => call.direction === 'outbound-api').map((call) => call.dateCreated.getTime());
    send({ type: 'dial-times', created });
  }
});

let stopping;
const stop = () => {
  stopping ??= running.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop).once('SIGINT', stop).once('disconnect', stop);
