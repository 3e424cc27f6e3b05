import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { DEMO_CAMPAIGN_ID } from '../campaigns/demo.ts';
import type { AppDeps } from '../deps.ts';
import type { Emulator } from '../emulator/index.ts';
import { targetCounts } from '../store/schema.ts';

/**
 * Demo mode only: what the emulated phone hears and does, live, and the demo campaign's per-target
 * counts, so the page at / can show a whole call. Caller numbers are masked by the emulator.
 */
export function demoRoutes({ store: { db } }: AppDeps, emulator: Emulator) {
  return new Hono()
    .get('/phone', (c) =>
      streamSSE(c, async (stream) => {
        const queue: string[] = [];
        let wake = () => {};
        const unsubscribe = emulator.subscribe((entry) => {
          queue.push(JSON.stringify(entry));
          wake();
        });
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
