import type { Hono } from 'hono';

export interface EmulatorOptions {
  /** REST requests must name this account in the path and in HTTP Basic auth. */
  accountSid: string;
  /** Signs every webhook (X-Twilio-Signature) and checks Basic auth. */
  authToken: string;
  /** Multiplies every simulated delay; 0 runs calls as fast as possible. Default 1. */
  timeScale?: number;
  /** Seconds the supporter stays on each answered office leg (before timeScale). Default 4. */
  legSeconds?: number;
  /** The supporter's phone, by the number the REST call dials. Default: answers, presses 1 at every Gather. */
  caller?: (to: string) => CallerBehaviour;
  /** Each office dialed by `<Dial><Number>`. Default: answers and stays `legSeconds`. */
  office?: (number: string) => OfficeBehaviour;
  /** Post every `<Dial action>` twice with the same parameters, like a Twilio retry; the first response is used. */
  duplicateDialActions?: boolean;
  /** One line per event; phone numbers of callers are masked. */
  log?: (line: string) => void;
}

export interface EmulatedAccount {
  accountSid: string;
  authToken: string;
  /** API key SID → secret: each may stand for the account in REST requests. */
  apiKeys?: Record<string, string>;
  friendlyName?: string;
}

export interface CallerBehaviour {
  /** How the phone responds to a REST-created call (inbound calls are already connected). */
  answer?: 'answer' | 'busy' | 'no-answer' | 'failed';
  /** One entry per `<Gather>` in order; '' = no input; when exhausted, '1' is pressed. */
  digits?: string[];
  /** Press * during these Dial legs (0-based, counted per `<Dial>` in the call). */
  starOnLegs?: number[];
}

export interface OfficeBehaviour {
  status?: DialCallStatus;
  seconds?: number;
}

export type DialCallStatus = 'completed' | 'busy' | 'no-answer' | 'failed';
/** A dialed leg's outcome; `canceled` when another `<Number>` of the same `<Dial>` answered first. */
export type LegStatus = DialCallStatus | 'canceled';

/** Statuses of Twilio's Call resource. */
export type CallStatus =
  | 'queued'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'canceled';

export type FinalCallStatus = Exclude<CallStatus, 'queued' | 'ringing' | 'in-progress'>;

/** What the supporter heard and did, in order. Callers' numbers never appear here. */
export type TranscriptEntry = { at: number } & (
  | { kind: 'call-status'; status: 'initiated' | CallStatus; duration?: number }
  | { kind: 'say'; text: string }
  | { kind: 'play'; url: string }
  | { kind: 'pause'; seconds: number }
  | { kind: 'gather'; numDigits: number | null }
  | { kind: 'digits'; digits: string }
  | { kind: 'dial'; number: string; leg: number; sendDigits?: string }
  /** The office answered and the supporter is connected to it. */
  | { kind: 'bridged'; number: string; leg: number }
  | { kind: 'leg-status'; number: string; leg: number; callSid: string; status: LegStatus; duration: number }
  | { kind: 'redirect'; url: string }
  | { kind: 'hangup' }
  | { kind: 'reject'; reason: 'rejected' | 'busy' }
  /** `code` is Twilio's error code (11200, 12100, 13224…); absent for what only the emulator lacks. */
  | { kind: 'error'; code?: number; message: string }
);

/** Distributes over the union, so `TranscriptInput` keeps each variant's fields. */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
export type TranscriptInput = WithoutAt<TranscriptEntry>;

export type WebhookKind = 'answer' | 'gather' | 'dial-action' | 'redirect' | 'status' | 'number-status';

export interface WebhookRequest {
  kind: WebhookKind;
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  /** 0 when no HTTP response arrived (connection refused, timeout). */
  responseStatus: number;
  body: string;
}

export interface EmulatedCall {
  sid: string;
  /** The account that placed the call (or whose number it rang): its auth token signs the call's webhooks. */
  accountSid: string;
  to: string;
  from: string;
  direction: 'outbound-api' | 'inbound';
  /** The TwiML URL the call started from: the REST create's `Url`, or the number's Voice URL. */
  url: string;
  /** When the REST create (or the inbound call) arrived, to the millisecond. */
  dateCreated: Date;
  status: CallStatus;
  /** Seconds from answer to hang-up, in simulated time (before timeScale). */
  duration: number;
  transcript: TranscriptEntry[];
  requests: WebhookRequest[];
  /** Each office a `<Dial>` rang and the caller ID it was shown (unlike the transcript, which the demo page streams, in full). */
  dialed: DialedLeg[];
}

export interface DialedLeg {
  sid: string;
  /** Which `<Dial>` of the call, counted from 0. */
  leg: number;
  number: string;
  callerId: string;
}

export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

export interface InboundCallOptions {
  /** The account the number belongs to; default the first (`EmulatorOptions.accountSid`). */
  accountSid?: string;
  from: string;
  to: string;
  url: string;
  method?: 'POST' | 'GET';
  caller?: CallerBehaviour;
  statusCallback?: string;
}

export type TranscriptListener = (event: TranscriptEntry & { callSid: string }) => void;

/** A Calls.json POST held by `holdNextCreate`. */
export interface HeldCreate {
  /** Resolves with the call once the POST has arrived and the call exists (listed, status `queued`). */
  call: Promise<EmulatedCall>;
  /** Answers the POST and lets the call go on; before the POST arrives, cancels the hold. */
  release(): void;
}

export interface Emulator {
  /** Routes under /2010-04-01/…; mount with `app.route('/', emulator.app)`. */
  app: Hono;
  /**
   * Opens another account (Twilio knows accounts its users never told us of; the emulator knows only those
   * it is told of): REST requests may then use it, with its auth token or one of its API keys, and its
   * calls' webhooks are signed with its auth token.
   */
  addAccount(account: EmulatedAccount): void;
  /** Live calls and the latest ended ones, oldest first. */
  calls: Map<string, EmulatedCall>;
  /** The next Calls.json POST answers this Twilio-style error; calls queue, one error per POST. */
  failNextCreate(error: TwilioError): void;
  /**
   * The next Calls.json POST creates its call but neither answers nor lets the call start until
   * released: a Twilio slow to respond, whose client cannot tell whether the call was placed.
   * With `after`, that many POSTs go through first. Called n times, n POSTs are held in turn.
   */
  holdNextCreate(after?: number): HeldCreate;
  waitForEnd(callSid: string, timeoutMs?: number): Promise<EmulatedCall>;
  /** Whether the call is over: its final status callback has been answered, or found no server. */
  hasEnded(callSid: string): boolean;
  /** Like Twilio requesting a number's Voice URL (Direction=inbound); resolves once the call has started. */
  placeInboundCall(opts: InboundCallOptions): Promise<EmulatedCall>;
  subscribe(listener: TranscriptListener): () => void;
  /** Stops timers and in-flight calls; pending waitForEnd calls reject. */
  close(): Promise<void>;
}
