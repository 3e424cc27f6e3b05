import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { DEMO_CAMPAIGN_ID } from '../campaigns/demo.ts';
import type { AppDeps } from '../deps.ts';
import type { Emulator } from '../emulator/index.ts';
import { targetCounts } from '../store/schema.ts';
import { validate } from '../validate.ts';

/**
 * Demo mode only: what the emulated phone hears and does, live, and the demo campaign's per-target
 * counts, so the page at / can show a whole call. Caller numbers are masked by the emulator.
 */
export function demoRoutes({ store: { db } }: AppDeps, emulator: Emulator) {
  /** Our call id, from the TwiML URL the emulated call started from (`…/twiml/calls/<id>/answer`). */
  const callIdOf = (callSid: string) => /\/twiml\/calls\/([\w-]+)\//.exec(emulator.calls.get(callSid)?.url ?? '')?.[1];

  return new Hono()
    /** What the phone of one call (`?call=`, the id the widget got) hears and does: each visitor sees their own call only. */
    .get('/phone', validate('query', z.object({ call: z.string().regex(/^[\w-]{10,40}$/, 'must be a call id') })), (c) =>
      streamSSE(c, async (stream) => {
        const { call } = c.req.valid('query');
        const queue: string[] = [];
        let wake = () => {};
        const unsubscribe = emulator.subscribe((entry) => {
          if (callIdOf(entry.callSid) !== call) return;
          queue.push(JSON.stringify(entry));
          wake();
        });
        // What the phone heard before this page asked.
        for (const placed of emulator.calls.values()) {
          if (callIdOf(placed.sid) === call) queue.push(...placed.transcript.map((entry) => JSON.stringify({ ...entry, callSid: placed.sid })));
        }
        stream.onAbort(() => wake());
        try {
          while (!stream.aborted) {
            if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
            for (const data of queue.splice(0)) await stream.writeSSE({ event: 'phone', data });
          }
        } finally {
          unsubscribe();
        }
      }),
    )
    .get('/counts', async (c) => {
      const rows = await db
        .select()
        .from(targetCounts)
        .where(eq(targetCounts.campaignId, DEMO_CAMPAIGN_ID))
        .orderBy(desc(targetCounts.completed), targetCounts.name);
      return c.json({
        targets: rows.map(({ targetId, name, legs, completed, busy, noAnswer, failed }) => ({ id: targetId, name, legs, completed, busy, noAnswer, failed })),
      });
    });
}
