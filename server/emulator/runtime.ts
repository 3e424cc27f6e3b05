import { runInbound, runOutbound, type OutboundStart } from './call-walker.ts';
import { maskPhone, newSid, shortSid } from './format.ts';
import { CallEnded, CallSession, type RuntimeContext, type StatusCallback } from './session.ts';
import type { HttpMethod } from './twiml-parse.ts';
import type {
  CallStatus,
  EmulatedAccount,
  EmulatedCall,
  EmulatorOptions,
  FinalCallStatus,
  HeldCreate,
  InboundCallOptions,
  TranscriptEntry,
  TranscriptListener,
  TwilioError,
} from './types.ts';

export interface OutboundRequest extends OutboundStart {
  to: string;
  from: string;
  statusCallback?: StatusCallback;
}

/** A demo server runs for days: keep only the latest ended calls (live ones are never dropped). */
const KEPT_ENDED_CALLS = 1000;

interface Waiter {
  resolve(call: EmulatedCall): void;
  reject(error: Error): void;
}

interface Hold {
  /** Creates still to let through before this one is held. */
  after: number;
  released: Promise<void>;
  release(): void;
  created(call: EmulatedCall): void;
}

/** The emulator's calls: starts them, ends them, and tells listeners what happens on each. */
export class EmulatorRuntime {
  readonly calls = new Map<string, EmulatedCall>();
  readonly sessions = new Map<string, CallSession>();
  /** Accounts that may use the REST API, by SID: the first from the options, more by `addAccount`. */
  readonly accounts = new Map<string, EmulatedAccount>();
  readonly ctx: RuntimeContext;
  readonly #createErrors: TwilioError[] = [];
  readonly #options: EmulatorOptions;
  readonly #closer = new AbortController();
  readonly #listeners = new Set<TranscriptListener>();
  readonly #ended = new Set<string>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #running = new Set<Promise<void>>();
  readonly #holds: Hold[] = [];
  #created = 0;

  constructor(options: EmulatorOptions) {
    this.#options = options;
    this.ctx = {
      accountSid: options.accountSid,
      authToken: options.authToken,
      timeScale: options.timeScale ?? 1,
      legSeconds: options.legSeconds ?? 4,
      office: (number) => options.office?.(number) ?? {},
      duplicateDialActions: options.duplicateDialActions ?? false,
      accountNumbers: new Set(),
      closeSignal: this.#closer.signal,
      emit: (call, entry) => this.#emit(call, entry),
    };
    this.addAccount({ accountSid: options.accountSid, authToken: options.authToken });
  }

  addAccount(account: EmulatedAccount): void {
    this.accounts.set(account.accountSid, account);
  }

  /** The context of a call of `accountSid`: everything shared, but its webhooks signed with that account's token. */
  #contextOf(accountSid: string): RuntimeContext {
    const account = this.accounts.get(accountSid);
    if (!account) throw new Error(`the emulator has no account ${accountSid}`);
    return { ...this.ctx, accountSid, authToken: account.authToken };
  }

  /** Queues an error for the next Calls.json POST; called n times, the next n POSTs fail in order. */
  failNextCreate(error: TwilioError): void {
    this.#createErrors.push(error);
  }

  takeCreateError(): TwilioError | undefined {
    return this.#createErrors.shift();
  }

  holdNextCreate(after = 0): HeldCreate {
    let release!: () => void;
    let created!: (call: EmulatedCall) => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const call = new Promise<EmulatedCall>((resolve) => (created = resolve));
    const hold: Hold = { after, released, release, created };
    this.#holds.push(hold);
    return {
      call,
      release: () => {
        const waiting = this.#holds.indexOf(hold);
        if (waiting >= 0) this.#holds.splice(waiting, 1);
        release();
      },
    };
  }

  startOutbound(request: OutboundRequest, accountSid = this.ctx.accountSid): CallSession {
    const call = this.#newCall(accountSid, request.to, request.from, 'outbound-api', 'queued', request.url);
    this.ctx.accountNumbers.add(request.from);
    const caller = this.#options.caller?.(request.to) ?? {};
    const session = new CallSession(this.#contextOf(accountSid), call, caller, request.statusCallback);
    const hold = this.#holds[0]?.after === 0 ? this.#holds.shift() : undefined;
    if (this.#holds[0] && !hold) this.#holds[0].after--;
    if (hold) {
      session.hold = hold.released;
      hold.created(call);
    }
    this.#run(session, () => runOutbound(session, request));
    return session;
  }

  startInbound(options: InboundCallOptions): CallSession {
    const accountSid = options.accountSid ?? this.ctx.accountSid;
    const call = this.#newCall(accountSid, options.to, options.from, 'inbound', 'ringing', options.url);
    this.ctx.accountNumbers.add(options.to);
    const caller = options.caller ?? this.#options.caller?.(options.from) ?? {};
    const statusCallback = options.statusCallback
      ? { url: options.statusCallback, method: 'POST' as const, events: new Set(['completed']) }
      : undefined;
    const session = new CallSession(this.#contextOf(accountSid), call, caller, statusCallback);
    const method: HttpMethod = options.method ?? 'POST';
    this.#run(session, () => runInbound(session, { url: options.url, method }));
    return session;
  }

  /**
   * A REST update: `canceled` ends a call that is queued or ringing and leaves an answered one alone;
   * `completed` hangs up whatever the call is doing (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource).
   */
  hangUp(session: CallSession, requested: 'completed' | 'canceled'): void {
    if (this.#ended.has(session.call.sid) || session.hangup.signal.aborted) return;
    if (requested === 'canceled' && session.answered) return;
    const status: FinalCallStatus = session.answered ? 'completed' : 'canceled';
    session.setStatus(status);
    session.hangup.abort(new CallEnded(status));
  }

  hasEnded(callSid: string): boolean {
    return this.#ended.has(callSid);
  }

  waitForEnd(callSid: string, timeoutMs = 30_000): Promise<EmulatedCall> {
    const call = this.calls.get(callSid);
    if (!call) return Promise.reject(new Error(`no emulated call ${callSid}`));
    if (this.#ended.has(callSid)) return Promise.resolve(call);
    return new Promise((resolve, reject) => {
      const waiters = this.#waiters.get(callSid) ?? new Set<Waiter>();
      this.#waiters.set(callSid, waiters);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`call ${callSid} did not end within ${timeoutMs} ms (status ${call.status})`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (ended) => (clearTimeout(timer), resolve(ended)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      waiters.add(waiter);
    });
  }

  subscribe(listener: TranscriptListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closer.abort(new Error('emulator closed'));
    await Promise.allSettled([...this.#running]);
    for (const [sid, waiters] of this.#waiters) {
      for (const waiter of waiters) waiter.reject(new Error(`emulator closed before call ${sid} ended`));
    }
    this.#waiters.clear();
  }

  #newCall(accountSid: string, to: string, from: string, direction: EmulatedCall['direction'], status: CallStatus, url: string): EmulatedCall {
    const call: EmulatedCall = { sid: newSid('CA'), accountSid, to, from, direction, url, dateCreated: new Date(), status, duration: 0, transcript: [], requests: [], dialed: [] };
    this.calls.set(call.sid, call);
    return call;
  }

  #run(session: CallSession, body: () => Promise<FinalCallStatus>): void {
    const { call } = session;
    session.order = ++this.#created;
    this.sessions.set(call.sid, session);
    this.#log(call, direction(call));
    const task = (async () => {
      let status: FinalCallStatus;
      try {
        status = await body();
      } catch (error) {
        if (this.#closer.signal.aborted) return; // abandoned: no hang-up happened, so none is reported
        if (error instanceof CallEnded) status = error.status;
        else {
          session.record({ kind: 'error', message: `emulator fault: ${String(error)}` });
          status = session.answered ? 'completed' : 'failed';
        }
      }
      await this.#finish(session, status);
    })()
      .catch(() => undefined) // only a close() can interrupt #finish; the call simply stops
      .finally(() => {
        this.#running.delete(task);
        if (this.#closer.signal.aborted) return;
        this.#ended.add(call.sid);
        for (const waiter of this.#waiters.get(call.sid) ?? []) waiter.resolve(call);
        this.#waiters.delete(call.sid);
        this.#forgetOldCalls();
      });
    this.#running.add(task);
  }

  #forgetOldCalls(): void {
    for (const sid of this.#ended) {
      if (this.#ended.size <= KEPT_ENDED_CALLS) return;
      this.#ended.delete(sid);
      this.calls.delete(sid);
      this.sessions.delete(sid);
    }
  }

  /** The call is over once its final status callback has been delivered, as on Twilio. */
  async #finish(session: CallSession, status: FinalCallStatus): Promise<void> {
    session.endTime = new Date();
    session.call.duration = session.upSeconds();
    session.setStatus(status);
    session.record({ kind: 'call-status', status, duration: session.call.duration });
    await session.progress('completed', status);
  }

  #emit(call: EmulatedCall, entry: TranscriptEntry): void {
    this.#log(call, describe(entry));
    for (const listener of this.#listeners) {
      try {
        listener({ ...entry, callSid: call.sid });
      } catch {
        // A listener's failure (a closed SSE stream, say) must not break the call.
      }
    }
  }

  #log(call: EmulatedCall, text: string): void {
    this.#options.log?.(`[emulator] ${shortSid(call.sid)} ${text}`);
  }
}

function direction(call: EmulatedCall): string {
  return call.direction === 'inbound'
    ? `inbound call from ${maskPhone(call.from)} to ${call.to}`
    : `outbound call to ${maskPhone(call.to)} from ${call.from}`;
}

function describe(entry: TranscriptEntry): string {
  switch (entry.kind) {
    case 'call-status':
      return `status ${entry.status}${entry.duration === undefined ? '' : ` (${entry.duration} s)`}`;
    case 'say':
      return `say "${entry.text.length > 80 ? `${entry.text.slice(0, 77)}...` : entry.text}"`;
    case 'play':
      return `play ${entry.url}`;
    case 'pause':
      return `pause ${entry.seconds} s`;
    case 'gather':
      return `gather numDigits=${entry.numDigits ?? 'any'}`;
    case 'digits':
      return entry.digits ? `caller pressed ${entry.digits}` : 'caller pressed nothing';
    case 'dial':
      return `dial leg ${entry.leg}: ${entry.number}`;
    case 'bridged':
      return `leg ${entry.leg}: connected to ${entry.number}`;
    case 'leg-status':
      return `leg ${entry.leg} ${entry.number}: ${entry.status} (${entry.duration} s)`;
    case 'redirect':
      return `redirect ${entry.url}`;
    case 'hangup':
      return 'hangup';
    case 'reject':
      return `reject (${entry.reason})`;
    case 'error':
      return `error${entry.code ? ` ${entry.code}` : ''}: ${entry.message}`;
  }
}
