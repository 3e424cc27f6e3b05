import type { CallStatus, CallTarget, ErrorCode, Field, LegStatus, Lookup, Outcome } from './internal/api.ts';

export type { CallStatus, CallTarget, ErrorCode, Field, LegStatus, Lookup, Outcome, Target } from './internal/api.ts';

/** How the call to one office went; `status` is `not-called` when the call ended before its turn. */
export interface LegSummary {
  targetId: string;
  name: string;
  status: LegStatus | 'not-called';
  /** Seconds connected, when the server reported it. */
  duration: number | null;
  /** What the caller said happened (by a key on the phone or a button in the widget), if they said. */
  outcome: Outcome | null;
}

export interface SubmitDetail {
  campaign: string;
  /** The caller's number in E.164. */
  phone: string;
  zip: string;
}
export interface TargetsDetail extends Lookup {
  campaign: string;
}
export interface CallStartedDetail {
  campaign: string;
  callId: string;
  targets: CallTarget[];
}
export interface LegDetail {
  callId: string;
  target: CallTarget;
  /** Position of `target` in the call's targets. */
  index: number;
}
export interface LegEndedDetail extends LegDetail {
  status: LegStatus;
  duration: number | null;
}
export interface OutcomeDetail extends LegDetail {
  /** The outcome the server recorded: the first one reported wins, so it may be one the caller keyed in on the phone. */
  outcome: Outcome;
}
export interface CallEndedDetail {
  callId: string;
  status: CallStatus;
  /** One per target, in the call's order. */
  legs: LegSummary[];
}
export interface ErrorDetail {
  code: ErrorCode;
  /** What the caller was shown, in the widget's language. */
  message: string;
  field?: Field;
  /** Seconds until a rate-limited caller may try again. */
  retryAfter?: number;
  /** HTTP status, or 0 when there was no response. */
  status: number;
}

/** Each `call-power-*` event's `detail`, by event name. */
export interface CallPowerEventDetails {
  'call-power-submit': SubmitDetail;
  'call-power-targets': TargetsDetail;
  'call-power-call-started': CallStartedDetail;
  'call-power-leg-started': LegDetail;
  'call-power-leg-ended': LegEndedDetail;
  'call-power-outcome': OutcomeDetail;
  'call-power-call-ended': CallEndedDetail;
  'call-power-error': ErrorDetail;
}

/**
 * Every `call-power-*` event: bubbling and composed, so a listener anywhere on the page hears it.
 * `call-power-submit` and `call-power-call-ended` are cancelable. One class rather than one per
 * event keeps the embed small; the aliases below and `GlobalEventHandlersEventMap` keep them typed.
 */
export class CallPowerEvent<K extends keyof CallPowerEventDetails = keyof CallPowerEventDetails> extends CustomEvent<CallPowerEventDetails[K]> {
  declare readonly type: K;
  constructor(type: K, detail: CallPowerEventDetails[K]) {
    super(type, { detail, bubbles: true, composed: true, cancelable: type === 'call-power-submit' || type === 'call-power-call-ended' });
  }
}

/** The caller sent the form. Cancelable: `preventDefault()` stops the lookup (e.g. to ask for consent first). */
export type CallPowerSubmitEvent = CallPowerEvent<'call-power-submit'>;
/** The offices to call were looked up (again, after the caller chose a district). */
export type CallPowerTargetsEvent = CallPowerEvent<'call-power-targets'>;
/** The server accepted the call and is about to ring the caller. */
export type CallPowerCallStartedEvent = CallPowerEvent<'call-power-call-started'>;
/** An office is being dialed. */
export type CallPowerLegStartedEvent = CallPowerEvent<'call-power-leg-started'>;
/** A dialed office answered and hung up, was busy, or did not answer. */
export type CallPowerLegEndedEvent = CallPowerEvent<'call-power-leg-ended'>;
/** The caller said how a call to an office went, with the widget's buttons. */
export type CallPowerOutcomeEvent = CallPowerEvent<'call-power-outcome'>;
/** The call is over; `detail.legs` has one entry per target. Cancelable: `preventDefault()` skips the campaign's redirect. */
export type CallPowerCallEndedEvent = CallPowerEvent<'call-power-call-ended'>;
/** Something went wrong; the caller sees `detail.message` and a way to retry. */
export type CallPowerErrorEvent = CallPowerEvent<'call-power-error'>;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-power-submit': CallPowerSubmitEvent;
    'call-power-targets': CallPowerTargetsEvent;
    'call-power-call-started': CallPowerCallStartedEvent;
    'call-power-leg-started': CallPowerLegStartedEvent;
    'call-power-leg-ended': CallPowerLegEndedEvent;
    'call-power-outcome': CallPowerOutcomeEvent;
    'call-power-call-ended': CallPowerCallEndedEvent;
    'call-power-error': CallPowerErrorEvent;
  }
}
