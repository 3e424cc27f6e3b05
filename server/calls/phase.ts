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

/** The columns a step's phase sets, with its rank; all null without a step (then no phase moves). */
export function phaseColumns(step: PhaseStep | undefined) {
  if (!step) return { phase: null, phaseLeg: null, rank: null };
  return { phase: step.phase, phaseLeg: 'leg' in step ? step.leg : null, rank: rank(step) };
}
