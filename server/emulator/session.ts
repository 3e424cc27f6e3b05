import { randomUUID } from 'node:crypto';
import { rfc2822 } from './format.ts';
import type { HttpMethod } from './twiml-parse.ts';
import type {
  CallStatus,
  CallerBehaviour,
  EmulatedCall,
  FinalCallStatus,
  OfficeBehaviour,
  TranscriptEntry,
  TranscriptInput,
  WebhookKind,
} from './types.ts';
import { sendWebhook, type WebhookResponse } from './webhook.ts';

export const API_VERSION = '2010-04-01';

export interface RuntimeContext {
  accountSid: string;
  authToken: string;
  timeScale: number;
  legSeconds: number;
  office: (number: string) => OfficeBehaviour;
  duplicateDialActions: boolean;
  /**
   * The account's own numbers, as far as the emulator can tell: every number a call was placed from
   * (Twilio refuses a REST `From` that is not one, 21210) and every number an inbound call rang.
   */
  accountNumbers: Set<string>;
  closeSignal: AbortSignal;
  emit(call: EmulatedCall, entry: TranscriptEntry): void;
}

export type ProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface StatusCallback {
  url: string;
  method: HttpMethod;
  events: Set<string>;
}

/** How a call ended before its TwiML did: REST hang-up or cancel, or a rejected inbound call. */
export class CallEnded extends Error {
  constructor(readonly status: FinalCallStatus) {
    super(`call ended: ${status}`);
  }
}

/** A webhook failed or answered something that is not TwiML: Twilio logs the error and hangs up. */
export class ApplicationError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** TwiML URLs may be relative to the document that contains them. */
export function resolveUrl(url: string, documentUrl: string): string {
  try {
    return new URL(url.trim(), documentUrl).toString();
  } catch {
    throw new ApplicationError(11100, `Invalid URL format: ${url}`);
  }
}

/**
 * One call's state and the primitives the TwiML walker is built from: a simulated clock,
 * the transcript, and signed webhooks recorded as they are sent.
 */
export class CallSession {
  readonly hangup = new AbortController();
  /** Aborted by a REST hang-up or by closing the emulator. */
  readonly signal: AbortSignal;
  dateUpdated = new Date();
  /** When dialing began (Twilio's `start_time`: empty while the call is still queued). */
  startTime: Date | null = null;
  endTime: Date | null = null;
  /** Simulated seconds since the call was created (timeScale does not change it). */
  simSeconds = 0;
  answeredAt: number | null = null;
  /** Creation order, for listing newest first. */
  order = 0;
  /** Set while a held REST create keeps the call from starting (see `Emulator.holdNextCreate`). */
  hold: Promise<void> | undefined;
  gathers = 0;
  dials = 0;
  #sequence = 0;

  constructor(
    readonly ctx: RuntimeContext,
    readonly call: EmulatedCall,
    readonly caller: CallerBehaviour,
    readonly statusCallback: StatusCallback | undefined,
  ) {
    this.signal = AbortSignal.any([this.hangup.signal, ctx.closeSignal]);
  }

  get answered(): boolean {
    return this.answeredAt !== null;
  }

  get dateCreated(): Date {
    return this.call.dateCreated;
  }

  /** Lets `seconds` of simulated time pass (scaled to wall time); rejects when the call is hung up. */
  async wait(seconds: number): Promise<void> {
    const ms = seconds * this.ctx.timeScale * 1000;
    const started = Date.now();
    try {
      await sleep(ms, this.signal);
      this.simSeconds += seconds;
    } catch (reason) {
      if (this.ctx.timeScale > 0) this.simSeconds += (Date.now() - started) / 1000 / this.ctx.timeScale;
      throw reason;
    }
  }

  /** Waits until a held create is released; rejects when the call is hung up (canceled) meanwhile. */
  async released(): Promise<void> {
    if (!this.hold) return;
    await new Promise<void>((resolve, reject) => {
      if (this.signal.aborted) return reject(this.signal.reason);
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.hold!.then(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  record(input: TranscriptInput): void {
    const entry = { ...input, at: Date.now() } as TranscriptEntry;
    this.call.transcript.push(entry);
    this.ctx.emit(this.call, entry);
  }

  setStatus(status: CallStatus): void {
    this.call.status = status;
    this.dateUpdated = new Date();
  }

  /** The call leaves the queue: Twilio starts dialing (or an inbound call arrives). */
  markStarted(): void {
    this.startTime ??= new Date();
    this.dateUpdated = new Date();
  }

  markAnswered(): void {
    this.answeredAt = this.simSeconds;
    this.markStarted();
    this.setStatus('in-progress');
    this.record({ kind: 'call-status', status: 'in-progress' });
  }

  /** Seconds the call has been up, as Twilio bills it (whole seconds, rounded up). */
  upSeconds(): number {
    return this.answeredAt === null ? 0 : Math.ceil(this.simSeconds - this.answeredAt);
  }

  /**
   * Whether a `<Dial callerId>` may show `number`: "the calling number, called number, or a validated
   * outgoing number" of the account (https://www.twilio.com/docs/errors/13214).
   */
  mayPresent(number: string): boolean {
    return number === this.call.from || number === this.call.to || this.ctx.accountNumbers.has(number);
  }

  /** The parameters Twilio sends with every voice webhook of this call. */
  baseParams(): Record<string, string> {
    const { call } = this;
    return {
      AccountSid: this.ctx.accountSid,
      ApiVersion: API_VERSION,
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: call.direction,
      From: call.from,
      To: call.to,
    };
  }

  /** Sends a signed webhook and records it in `call.requests`. */
  async request(
    kind: WebhookKind,
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
    options: { signal?: AbortSignal; idempotencyToken?: string } = {},
  ): Promise<WebhookResponse> {
    const response = await sendWebhook({
      authToken: this.ctx.authToken,
      url,
      method,
      params,
      signal: options.signal ?? this.signal,
      idempotencyToken: options.idempotencyToken ?? randomUUID(),
    });
    this.call.requests.push({ kind, url: response.url, method, params, responseStatus: response.status, body: response.body });
    return response;
  }

  /**
   * The call's own status callback for one progress event, if it was asked for
   * (https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent).
   * Its response is ignored, as on Twilio; only closing the emulator stops it.
   */
  async progress(event: ProgressEvent, callStatus: string): Promise<void> {
    const callback = this.statusCallback;
    if (!callback?.events.has(event)) return;
    const params: Record<string, string> = {
      ...this.baseParams(),
      CallStatus: callStatus,
      ...progressStamp(this.#sequence++),
    };
    if (event === 'completed') Object.assign(params, durationParams(this.upSeconds()));
    await this.request('status', callback.url, callback.method, params, { signal: this.ctx.closeSignal });
  }
}

/** What marks a call-progress status callback: when it fired and its place in the sequence. */
export function progressStamp(sequence: number): Record<string, string> {
  return { Timestamp: rfc2822(new Date()), CallbackSource: 'call-progress-events', SequenceNumber: String(sequence) };
}

/** `CallDuration` in seconds and `Duration` in billed minutes, as in a completed status callback. */
export function durationParams(seconds: number): Record<string, string> {
  return { CallDuration: String(seconds), Duration: String(Math.ceil(seconds / 60)) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
