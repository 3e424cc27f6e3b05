import type { CallStatus, CallTarget, ErrorCode, Field, LegStatus, Lookup } from './internal/api.ts';

export type { CallStatus, CallTarget, ErrorCode, Field, LegStatus, Lookup, Target } from './internal/api.ts';

/** How one office's leg of a call ended; `not-called` when the call ended before its turn. */
export interface TargetOutcome {
  target: CallTarget;
  status: LegStatus | 'not-called';
  /** Seconds connected, when the server reported it. */
  duration: number | null;
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
export interface CallEndedDetail {
  callId: string;
  status: CallStatus;
  outcomes: TargetOutcome[];
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

/** A `call-power-*` event class: bubbling and composed, so a listener anywhere on the page hears it. */
function eventClass<D>(type: keyof GlobalEventHandlersEventMap, cancelable = false) {
  return class extends CustomEvent<D> {
    constructor(detail: D) {
      super(type, { detail, bubbles: true, composed: true, cancelable });
    }
  };
}

/** The caller sent the form. Cancelable: `preventDefault()` stops the lookup (e.g. to ask for consent first). */
export class CallPowerSubmitEvent extends eventClass<SubmitDetail>('call-power-submit', true) {}

/** The offices to call were looked up (again, after the caller chose a district). */
export class CallPowerTargetsEvent extends eventClass<TargetsDetail>('call-power-targets') {}

/** The server accepted the call and is about to ring the caller. */
export class CallPowerCallStartedEvent extends eventClass<CallStartedDetail>('call-power-call-started') {}

/** An office is being dialed. */
export class CallPowerLegStartedEvent extends eventClass<LegDetail>('call-power-leg-started') {}

/** A dialed office answered and hung up, was busy, or did not answer. */
export class CallPowerLegEndedEvent extends eventClass<LegEndedDetail>('call-power-leg-ended') {}

/** The call is over; `detail.outcomes` has one entry per target. Cancelable: `preventDefault()` skips the campaign's redirect. */
export class CallPowerCallEndedEvent extends eventClass<CallEndedDetail>('call-power-call-ended', true) {}

/** Something went wrong; the caller sees `detail.message` and a way to retry. */
export class CallPowerErrorEvent extends eventClass<ErrorDetail>('call-power-error') {}

declare global {
  interface GlobalEventHandlersEventMap {
    'call-power-submit': CallPowerSubmitEvent;
    'call-power-targets': CallPowerTargetsEvent;
    'call-power-call-started': CallPowerCallStartedEvent;
    'call-power-leg-started': CallPowerLegStartedEvent;
    'call-power-leg-ended': CallPowerLegEndedEvent;
    'call-power-call-ended': CallPowerCallEndedEvent;
    'call-power-error': CallPowerErrorEvent;
  }
}
