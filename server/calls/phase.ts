import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { calls } from '../store/schema.ts';

/**
 * What the phone is doing, as the widget shows it: `calling` (ringing the supporter), `gate` (the intro
 * and "press 1", or call-in's questions), `office` (dialing or talking to office `leg`), `outcome` (asked how
 * the call to office `leg` went), `offer` (offered a call back), `goodbye`, and `ended` once the call is over.
 */
export type Phase = 'calling' | 'gate' | 'office' | 'outcome' | 'offer' | 'goodbye' | 'ended';

/** A phase a TwiML step starts. */
export type PhaseStep = { phase: 'gate' | 'offer' | 'goodbye' } | { phase: 'office' | 'outcome'; leg: number };

/** Later in the call is higher: each office, then its outcome question, between the gate and the offer. */
function rank(step: PhaseStep): number {
  switch (step.phase) {
    case 'gate':
      return 1;
    case 'office':
      return 2 + 2 * step.leg;
    case 'outcome':
      return 3 + 2 * step.leg;
    case 'offer':
      return 1_000_000;
    case 'goodbye':
      return 1_000_001;
  }
}

/** Moves a call's phase forward to `step`; a retried or late webhook for an earlier step changes nothing. */
export async function advancePhase(db: Db, callId: string, step: PhaseStep): Promise<boolean> {
  const to = rank(step);
  const moved = await db
    .update(calls)
    .set({ phase: step.phase, phaseLeg: 'leg' in step ? step.leg : null, phaseRank: to, updatedAt: sql`now()` })
    .where(and(eq(calls.id, callId), lt(calls.phaseRank, to)))
    .returning({ id: calls.id });
  return moved.length > 0;
}
