import type { Fetch } from './call-walker.ts';
import { newSid, normalizeDialed } from './format.ts';
import { API_VERSION, durationParams, progressStamp, resolveUrl, type CallSession } from './session.ts';
import type { Dial, DialNumber } from './twiml-parse.ts';
import type { DialCallStatus, LegStatus } from './types.ts';

/** Seconds an office rings before it picks up. */
const RING_SECONDS = 3;
/** Seconds into a leg at which a caller who skips presses *. */
const STAR_AFTER_SECONDS = 2;

interface Leg {
  sid: string;
  noun: DialNumber;
  /** E.164, or the text as written when it is not a dialable number. */
  to: string;
  dialable: boolean;
  /** The caller ID the office sees: Dial's callerId, else the parent call's From. */
  from: string;
  answered: boolean;
  planned: DialCallStatus;
  seconds: number;
  status?: LegStatus;
  duration: number;
  sequence: number;
}

/**
 * `<Dial>` (https://www.twilio.com/docs/voice/twiml/dial): rings every `<Number>` at once, bridges
 * the first office that answers, then requests `action` with DialCallStatus/DialCallSid/
 * DialCallDuration/DialBridged. Without `action` the call continues with the next verb.
 */
export async function dial(s: CallSession, d: Dial, documentUrl: string): Promise<Fetch | undefined> {
  const index = s.dials++;
  for (const noun of d.unsupportedNouns) s.record({ kind: 'error', message: `the emulator cannot dial <${noun}>` });
  const callerId = d.callerId === undefined ? s.call.from : normalizeDialed(d.callerId);
  // A caller ID Twilio does not allow: it logs 13214, rings nobody, and the Dial ends `failed`.
  const allowed = callerId !== undefined && s.mayPresent(callerId);
  if (!allowed) s.record({ kind: 'error', code: 13214, message: 'Dial: Invalid callerId value' });
  const legs = allowed ? d.numbers.map((noun) => planLeg(s, noun, callerId)) : [];
  let winner: Leg | undefined;
  try {
    winner = await connect(s, d, index, legs, documentUrl);
  } catch (error) {
    if (!s.hangup.signal.aborted || s.ctx.closeSignal.aborted) throw error;
    // The supporter hung up mid-dial: Twilio still ends each leg and requests the action, ignoring its answer.
    winner = legs.find((leg) => leg.answered);
    for (const leg of legs.filter((l) => l.status === undefined)) {
      await finishLeg(s, index, leg, leg === winner ? 'completed' : 'canceled', documentUrl);
    }
    if (d.action) {
      const params = { ...s.baseParams(), CallStatus: 'completed', ...actionParams(legs, winner) };
      await s.request('dial-action', resolveUrl(d.action, documentUrl), d.method, params, { signal: s.ctx.closeSignal });
    }
    throw error;
  }
  if (!d.action) return undefined;
  return {
    kind: 'dial-action',
    url: resolveUrl(d.action, documentUrl),
    method: d.method,
    params: actionParams(legs, winner),
    times: s.ctx.duplicateDialActions ? 2 : 1,
  };
}

function planLeg(s: CallSession, noun: DialNumber, callerId: string): Leg {
  const number = normalizeDialed(noun.number);
  const behaviour = number ? s.ctx.office(number) : { status: 'failed' as const };
  return {
    sid: newSid('CA'),
    noun,
    to: number ?? noun.number,
    dialable: number !== undefined,
    from: callerId,
    answered: false,
    planned: behaviour.status ?? 'completed',
    seconds: behaviour.seconds ?? s.ctx.legSeconds,
    duration: 0,
    sequence: 0,
  };
}

async function connect(s: CallSession, d: Dial, index: number, legs: Leg[], documentUrl: string) {
  for (const leg of legs) {
    s.record({ kind: 'dial', number: leg.to, leg: index, ...(leg.noun.sendDigits ? { sendDigits: leg.noun.sendDigits } : {}) });
    s.call.dialed.push({ sid: leg.sid, leg: index, number: leg.to, callerId: leg.from });
    if (!leg.dialable) {
      s.record({ kind: 'error', code: 13224, message: `Dial: invalid phone number ${leg.to}` });
    }
    await notify(s, leg, 'initiated', 'initiated', documentUrl);
  }
  for (const leg of legs.filter((l) => l.planned === 'failed')) await finishLeg(s, index, leg, 'failed', documentUrl);
  const live = legs.filter((leg) => leg.planned !== 'failed');
  if (live.length === 0) return undefined;
  await s.wait(1);
  for (const leg of live) await notify(s, leg, 'ringing', 'ringing', documentUrl);

  const winner = live.find((leg) => leg.planned === 'completed');
  if (!winner) {
    for (const leg of live.filter((l) => l.planned === 'busy')) {
      await s.wait(1);
      await finishLeg(s, index, leg, 'busy', documentUrl);
    }
    const unanswered = live.filter((l) => l.planned === 'no-answer');
    if (unanswered.length > 0) await s.wait(Math.max(0, d.timeout - 1));
    for (const leg of unanswered) await finishLeg(s, index, leg, 'no-answer', documentUrl);
    return undefined;
  }

  await s.wait(Math.min(RING_SECONDS, d.timeout));
  for (const leg of live.filter((l) => l !== winner)) await finishLeg(s, index, leg, 'canceled', documentUrl);
  winner.answered = true;
  s.record({ kind: 'bridged', number: winner.to, leg: index });
  await notify(s, winner, 'answered', 'in-progress', documentUrl);
  winner.duration = await bridge(s, d, index, winner);
  await finishLeg(s, index, winner, 'completed', documentUrl);
  return winner;
}

/** The supporter talks to the office; with hangupOnStar, pressing * ends the leg early. */
async function bridge(s: CallSession, d: Dial, index: number, leg: Leg): Promise<number> {
  const seconds = Math.min(leg.seconds, d.timeLimit);
  const started = s.simSeconds;
  // Keeps the elapsed time on the leg if the supporter hangs up during it.
  const track = () => (leg.duration = Math.round(s.simSeconds - started));
  try {
    if (!s.caller.starOnLegs?.includes(index) || seconds <= STAR_AFTER_SECONDS) {
      await s.wait(seconds);
      return seconds;
    }
    await s.wait(STAR_AFTER_SECONDS);
    s.record({ kind: 'digits', digits: '*' });
    if (d.hangupOnStar) return STAR_AFTER_SECONDS;
    await s.wait(seconds - STAR_AFTER_SECONDS);
    return seconds;
  } finally {
    track();
  }
}

async function finishLeg(s: CallSession, index: number, leg: Leg, status: LegStatus, documentUrl: string) {
  leg.status = status;
  s.record({ kind: 'leg-status', number: leg.to, leg: index, callSid: leg.sid, status, duration: leg.duration });
  await notify(s, leg, 'completed', status, documentUrl);
}

/** The `<Number statusCallback>` of one leg, for the events it asked for. */
async function notify(s: CallSession, leg: Leg, event: string, callStatus: string, documentUrl: string) {
  const { statusCallback, statusCallbackEvents, statusCallbackMethod } = leg.noun;
  if (!statusCallback || !statusCallbackEvents.includes(event)) return;
  const { from } = leg;
  const params: Record<string, string> = {
    AccountSid: s.ctx.accountSid,
    ApiVersion: API_VERSION,
    CallSid: leg.sid,
    ParentCallSid: s.call.sid,
    CallStatus: callStatus,
    Called: leg.to,
    Caller: from,
    Direction: 'outbound-dial',
    From: from,
    To: leg.to,
    ...progressStamp(leg.sequence++),
  };
  if (event === 'completed') Object.assign(params, durationParams(leg.duration));
  const url = resolveUrl(statusCallback, documentUrl);
  await s.request('number-status', url, statusCallbackMethod, params, { signal: s.ctx.closeSignal });
}

function actionParams(legs: Leg[], winner: Leg | undefined): Record<string, string> {
  if (winner) {
    return {
      DialCallStatus: 'completed',
      DialCallSid: winner.sid,
      DialCallDuration: String(winner.duration),
      DialBridged: 'true',
    };
  }
  const first = legs[0];
  return {
    DialCallStatus: first?.status ?? 'failed',
    DialCallSid: first?.sid ?? newSid('CA'),
    DialBridged: 'false',
  };
}
