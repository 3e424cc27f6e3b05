import { MAX_FALLBACK_OFFICES } from '../campaigns/settings.ts';

/**
 * What the phone is doing, as the widget shows it: `calling` (ringing the supporter), `gate` (the intro
 * and "press 1", or call-in's questions), `office` (dialing or talking to office `leg`), `outcome` (asked how
 * the call to office `leg` went), `offer` (offered a call back), `goodbye`, and `ended` once the call is over.
 */
export type Phase = 'calling' | 'gate' | 'office' | 'outcome' | 'offer' | 'goodbye' | 'ended';

/** A phase a TwiML step starts; `attempt` is which of the target's offices is dialed (0: its first). */
export type PhaseStep = { phase: 'gate' | 'offer' | 'goodbye' } | { phase: 'office' | 'outcome'; leg: number; attempt?: number };

/** Ranks per target: each of its offices in turn, then its outcome question. */
const PER_TARGET = MAX_FALLBACK_OFFICES + 2;

/** Later in the call is higher: each target's offices, then its outcome question, between the gate and the offer. */
function rank(step: PhaseStep): number {
  switch (step.phase) {
    case 'gate':
      return 1;
    case 'office':
      return 2 + PER_TARGET * step.leg + (step.attempt ?? 0);
    case 'outcome':
      return 2 + PER_TARGET * step.leg + PER_TARGET - 1;
    case 'offer':
      return 1_000_000;
    case 'goodbye':
      return 1_000_001;
  }
}

/** The columns a step's phase sets, with its rank; all null without a step (then no phase moves). */
export function phaseColumns(step: PhaseStep | undefined) {
  if (!step) return { phase: null, phaseLeg: null, rank: null };
  return { phase: step.phase, phaseLeg: 'leg' in step ? step.leg : null, rank: rank(step) };
}
