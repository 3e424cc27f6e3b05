import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { type CallView, callView, findCall, isFinal, legsOf, legView, OUTCOMES, recordOutcome } from '../calls/calls.ts';
import { CallFeeds, type Snapshot } from '../calls/call-feeds.ts';
import type { AppDeps } from '../deps.ts';
import type { ClientEnv } from '../limits/client-ip.ts';
import { StreamSlots } from '../limits/stream-slots.ts';
import { ApiError, notFound } from '../errors.ts';
import { validate } from '../validate.ts';

/** Event streams one client address may hold open, and one call may have (in this process). */
const STREAMS_PER_CLIENT = 10;
const STREAMS_PER_CALL = 5;
/** Keep proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** How soon a client whose stream ended because the server is restarting should reconnect. */
const RECONNECT_MS = 2000;
/** After the call ends, wait this long for late leg results before closing the stream. */
const SETTLE_MS = 10_000;

const settled = (view: CallView) => isFinal(view.status) && view.legs.every((leg) => leg.status !== 'ringing' && leg.status !== 'in-progress');

const OutcomeReport = z.object({ outcome: z.enum(OUTCOMES) });

export function callRoutes({ store: { db }, notifier, log, stopping, metrics }: AppDeps) {
  const load = async (id: string) => {
    const call = await findCall(db, id);
    return call && callView(call, await legsOf(db, id));
  };
  const feeds = new CallFeeds<CallView>({ load, notifier, log });
  const slots = new StreamSlots({ perClient: STREAMS_PER_CLIENT, perCall: STREAMS_PER_CALL });

  return new Hono<ClientEnv>()
    .get('/:id', async (c) => {
      const view = await load(c.req.param('id'));
      if (!view) throw notFound('Call');
      c.header('Cache-Control', 'no-store');
      return c.json(view);
    })

    /** The supporter taps how a leg went (the same as a key on the phone); the first report wins. */
    .post('/:id/legs/:n/outcome', validate('json', OutcomeReport), async (c) => {
      const call = await findCall(db, c.req.param('id'));
      if (!call) throw notFound('Call');
      const position = Number(c.req.param('n'));
      const leg = (await legsOf(db, call.id)).find((each) => each.position === position);
      if (!leg) throw notFound('Leg');
      if (leg.status !== 'completed' && leg.status !== 'answered') {
        throw new ApiError(409, 'outcome_not_ready', 'This call to the office has not ended with an answer, so it has no outcome yet.');
      }
      const recorded = await recordOutcome(db, call, position, c.req.valid('json').outcome);
      if (recorded) notifier.changed(call.id);
      return c.json({ leg: legView(recorded ?? leg) });
    })

    .get('/:id/events', async (c) => {
      const id = c.req.param('id');
      const first = await load(id);
      if (!first) throw notFound('Call');
      const release = slots.take(c.get('client').key, id);
      return streamSSE(c, async (stream) => {
        metrics.eventStreams.inc();
        let latest: Snapshot<CallView> = { view: first, json: JSON.stringify(first) };
        let wake = new AbortController();
        const unwatch = feeds.watch(id, (snapshot) => {
          latest = snapshot;
          wake.abort();
        });
        const stop = () => wake.abort();
        stream.onAbort(stop);
        stopping.addEventListener('abort', stop);
        try {
          let sent = '';
          let lastWrite = Date.now();
          let endedAt: number | undefined;
          while (latest.view && !stream.aborted) {
            // This process is stopping: ask the client to come back soon (EventSource reconnects by itself).
            if (stopping.aborted) {
              await stream.writeSSE({ event: 'restarting', data: '', retry: RECONNECT_MS });
              break;
            }
            const { view, json } = latest;
            if (json !== sent) {
              await stream.writeSSE({ event: 'call', data: json });
              sent = json;
              lastWrite = Date.now();
            } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
              await stream.write(': keep-alive\n\n');
              lastWrite = Date.now();
            }
            if (isFinal(view.status)) endedAt ??= Date.now();
            if (settled(view) || (endedAt && Date.now() - endedAt > SETTLE_MS)) break;
            // The feed wakes us on every read of the call; the timer only paces the heartbeat and the settle wait.
            await sleep(HEARTBEAT_MS, undefined, { signal: wake.signal }).catch(() => {});
            wake = new AbortController();
          }
        } finally {
          stopping.removeEventListener('abort', stop);
          unwatch();
          release();
          metrics.eventStreams.dec();
        }
      });
    });
}
