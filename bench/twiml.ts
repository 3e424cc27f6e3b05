import twilio from 'twilio';
import { atLeast, type Bench, type BenchContext } from './lib/bench.ts';
import { compareWithFloors, round2 } from './lib/compare.ts';
import { type BenchServer, startBenchServer } from './lib/server.ts';

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
async function expect2xx(server: BenchServer, request: ReturnType<typeof signedWebhook>) {
  const response = await fetch(server.url + request.paths, request);
  const body = await response.text();
  if (response.status === 204) return;
  if (response.status !== 200 || !body.includes('<Response>')) throw new Error(`POST ${request.paths} answered ${response.status}: ${body.slice(0, 200)}`);
}

/** Issue 13's goal for Twilio's webhooks on PostgreSQL, against bare node:http in the same run. */
const GOAL_OF_BARE = 0.1;

export const twimlBench: Bench = {
  name: 'twiml',
  about: `signed Twilio webhooks (answer, gather, Dial action, status callback) against bare node:http (goal ≥ ${GOAL_OF_BARE}× bare on PostgreSQL)`,
  async run(ctx: BenchContext) {
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      const id = await placeCall(server);
      const call = { CallSid: `CA${'0'.repeat(32)}`, From: '+12025550100', To: '+18025550142', Direction: 'outbound-api' };
      const webhooks = [
        { label: 'POST …/answer (the supporter picked up)', request: signedWebhook(server, `/twiml/calls/${id}/answer`, { ...call, CallStatus: 'in-progress' }) },
        { label: 'POST …/gate Digits=1 (gather: dial office 1)', request: signedWebhook(server, `/twiml/calls/${id}/gate`, { ...call, CallStatus: 'in-progress', Digits: '1' }) },
        {
          label: 'POST …/legs/0 (Dial action: office 1 done)',
          request: signedWebhook(server, `/twiml/calls/${id}/legs/0`, { ...call, CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallDuration: '42', DialCallSid: `CA${'1'.repeat(32)}` }),
        },
        { label: 'POST …/status (status callback)', request: signedWebhook(server, `/twiml/calls/${id}/status`, { ...call, CallStatus: 'in-progress' }) },
      ];
      for (const { request } of webhooks) await expect2xx(server, request);
      const compared = await compareWithFloors(
        `twiml (${server.store}): one call's webhooks replayed, as Twilio's retries are — the signature checked and the call read on every request; a first delivery adds one write statement`,
        ctx,
        webhooks.map(({ label, request }) => ({ label, server, options: request })),
      );
      const routes = compared.slice(2);
      for (const { label, ofBare } of routes) console.log(`${label}: ${round2(ofBare)}× bare ${atLeast(ofBare, GOAL_OF_BARE)}`);
      return routes.map(({ label, ofBare, result }) => `${label.split(' ')[1]} ${round2(ofBare)}× (${Math.round(result.rps)} req/s, p99 ${result.p99.toFixed(1)} ms)`).join(', ') + ` vs bare ${Math.round(compared[0]!.result.rps)} req/s, ${server.store}`;
    } finally {
      await server.stop();
    }
  },
};
