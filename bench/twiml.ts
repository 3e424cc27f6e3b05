import twilio from 'twilio';
import { type Bench, type BenchContext } from './lib/bench.ts';
import { load, loadRow } from './lib/load.ts';
import { type BenchServer, startBenchServer } from './lib/server.ts';
import { printTable } from './lib/table.ts';

/** A demo-campaign call through the public API, as the widget places it. */
async function placeCall(server: BenchServer): Promise<string> {
  const response = await fetch(`${server.url}/api/campaigns/demo/calls`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ phone: '+18025550142', zip: '05401' }),
  });
  if (response.status !== 201) throw new Error(`placing the call answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { call: { id: string } }).call.id;
}

/** A webhook as Twilio posts it, signed with the server's auth token over its public URL. */
function signedWebhook(server: BenchServer, path: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(server.authToken, server.publicUrl + path, params);
  return {
    paths: path,
    method: 'POST' as const,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}

/** One request first, so a rejected signature breaks the harness instead of timing 403s. */
async function expectTwiml(server: BenchServer, request: ReturnType<typeof signedWebhook>) {
  const response = await fetch(server.url + request.paths, request);
  const body = await response.text();
  if (response.status !== 200 || !body.includes('<Response>')) throw new Error(`POST ${request.paths} answered ${response.status}: ${body.slice(0, 200)}`);
}

export const twimlBench: Bench = {
  name: 'twiml',
  about: 'req/s and latency of signed Twilio webhooks vs /health on the same server',
  async run(ctx: BenchContext) {
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      const id = await placeCall(server);
      const call = { CallSid: `CA${'0'.repeat(32)}`, AccountSid: `AC${'0'.repeat(32)}`, From: '+12025550100', To: '+18025550142', Direction: 'outbound-api' };
      const answer = signedWebhook(server, `/twiml/calls/${id}/answer`, { ...call, CallStatus: 'in-progress' });
      const gate = signedWebhook(server, `/twiml/calls/${id}/gate`, { ...call, CallStatus: 'in-progress', Digits: '1' });
      await expectTwiml(server, answer);
      await expectTwiml(server, gate);

      const shape = { connections: ctx.connections, duration: ctx.duration, warmup: 1 };
      const answered = await load(server, { ...shape, ...answer });
      const gated = await load(server, { ...shape, ...gate });
      const health = await load(server, { ...shape, paths: '/health' });
      printTable(`twiml: ${ctx.connections} connections × ${ctx.duration} s each, ${server.store}, signature checked on every request`, [
        loadRow('POST /twiml/calls/:id/answer (2 reads)', answered),
        loadRow('POST /twiml/calls/:id/gate Digits=1 (2 reads, 1 insert)', gated),
        loadRow('GET /health', health),
      ]);
      const ratio = (rps: number) => `${(rps / health.rps).toPrecision(2)}×`;
      console.log(`throughput vs /health: answer ${ratio(answered.rps)}, gate ${ratio(gated.rps)}`);
      return (
        `answer ${Math.round(answered.rps)} req/s p99 ${answered.p99.toFixed(1)} ms (${ratio(answered.rps)} /health), ` +
        `gate ${Math.round(gated.rps)} req/s p99 ${gated.p99.toFixed(1)} ms (${ratio(gated.rps)}); /health ${Math.round(health.rps)} req/s`
      );
    } finally {
      await server.stop();
    }
  },
};
