import { dial } from './dial.ts';
import { ApplicationError, resolveUrl, type CallSession } from './session.ts';
import { parseTwiml, TwimlParseError, type Gather, type HttpMethod, type Prompt, type Verb } from './twiml-parse.ts';
import type { FinalCallStatus, WebhookKind } from './types.ts';

/** A TwiML document to request next: the answer URL, a Gather or Dial action, a Redirect. */
export interface Fetch {
  kind: WebhookKind;
  url: string;
  method: HttpMethod;
  params?: Record<string, string>;
  /** Send the same request this many times (a retried Dial action); the first response is used. */
  times?: number;
}

/** Twilio speaks at roughly 150 words a minute. */
const WORDS_PER_SECOND = 2.5;
/** What Twilio plays before hanging up on an application error. */
const APPLICATION_ERROR = "We're sorry, an application error has occurred. Goodbye.";

export interface OutboundStart {
  url: string;
  method: HttpMethod;
  /** Seconds to let the supporter's phone ring before giving up (REST `Timeout`). */
  timeout: number;
}

/** An API-created call: ring the supporter, then walk the TwiML at `url` once they answer. */
export async function runOutbound(s: CallSession, start: OutboundStart): Promise<FinalCallStatus> {
  await s.released();
  await s.wait(0.5);
  s.markStarted();
  s.record({ kind: 'call-status', status: 'initiated' });
  await s.progress('initiated', 'initiated');
  const answer = s.caller.answer ?? 'answer';
  if (answer === 'failed') return 'failed';
  await s.wait(1);
  s.setStatus('ringing');
  s.record({ kind: 'call-status', status: 'ringing' });
  await s.progress('ringing', 'ringing');
  if (answer === 'busy') {
    await s.wait(2);
    return 'busy';
  }
  if (answer === 'no-answer') {
    await s.wait(start.timeout);
    return 'no-answer';
  }
  await s.wait(3);
  s.markAnswered();
  await s.progress('answered', 'in-progress');
  return walk(s, { kind: 'answer', url: start.url, method: start.method });
}

/** A call to one of our numbers: Twilio requests the Voice URL while the call is still ringing. */
export async function runInbound(s: CallSession, start: { url: string; method: HttpMethod }): Promise<FinalCallStatus> {
  s.markStarted();
  s.record({ kind: 'call-status', status: 'ringing' });
  return walk(s, { kind: 'answer', url: start.url, method: start.method });
}

/** Hands the caller from document to document until one ends the call. */
async function walk(s: CallSession, first: Fetch): Promise<FinalCallStatus> {
  let next: Fetch | 'end' = first;
  try {
    while (next !== 'end') {
      const fetched: Fetch = next;
      const verbs = await fetchTwiml(s, fetched);
      if (!s.answered) {
        if (verbs[0]?.verb === 'Reject') {
          s.record({ kind: 'reject', reason: verbs[0].reason });
          return verbs[0].reason === 'busy' ? 'busy' : 'no-answer';
        }
        s.markAnswered();
      }
      next = await play(s, verbs, fetched.url);
    }
  } catch (error) {
    if (!(error instanceof ApplicationError)) throw error;
    s.record({ kind: 'error', code: error.code, message: error.message });
    s.record({ kind: 'say', text: APPLICATION_ERROR });
    await s.wait(words(APPLICATION_ERROR) / WORDS_PER_SECOND);
  }
  s.record({ kind: 'hangup' });
  return 'completed';
}

async function fetchTwiml(s: CallSession, fetch: Fetch): Promise<Verb[]> {
  const params = { ...s.baseParams(), ...fetch.params };
  const token = crypto.randomUUID();
  const response = await s.request(fetch.kind, fetch.url, fetch.method, params, { idempotencyToken: token });
  for (let retry = 1; retry < (fetch.times ?? 1); retry++) {
    await s.request(fetch.kind, fetch.url, fetch.method, params, { idempotencyToken: token });
  }
  if (response.status < 200 || response.status >= 300) {
    const got = response.status ? `HTTP ${response.status}` : response.failure;
    throw new ApplicationError(11200, `HTTP retrieval failure: ${got} from ${fetch.method} ${fetch.url}`);
  }
  try {
    return parseTwiml(response.body);
  } catch (error) {
    if (error instanceof TwimlParseError) throw new ApplicationError(error.code, `${error.message} (${fetch.url})`);
    throw error;
  }
}

/** Plays one document; returns the next document to fetch, or 'end' when the call hangs up. */
async function play(s: CallSession, verbs: Verb[], documentUrl: string): Promise<Fetch | 'end'> {
  for (const verb of verbs) {
    switch (verb.verb) {
      case 'Say':
      case 'Play':
      case 'Pause':
        await playPrompt(s, verb);
        break;
      case 'Gather': {
        const next = await gather(s, verb, documentUrl);
        if (next) return next;
        break;
      }
      case 'Dial': {
        const next = await dial(s, verb, documentUrl);
        if (next) return next;
        break;
      }
      case 'Redirect': {
        const url = resolveUrl(verb.url, documentUrl);
        s.record({ kind: 'redirect', url });
        return { kind: 'redirect', url, method: verb.method };
      }
      case 'Hangup':
      case 'Reject':
        return 'end';
      case 'Unsupported':
        s.record({ kind: 'error', message: `the emulator skips <${verb.name}>` });
        break;
    }
  }
  return 'end';
}

async function playPrompt(s: CallSession, prompt: Prompt): Promise<void> {
  switch (prompt.verb) {
    case 'Say':
      for (let i = 0; i < Math.max(1, prompt.loop); i++) {
        s.record({ kind: 'say', text: prompt.text });
        await s.wait(words(prompt.text) / WORDS_PER_SECOND);
      }
      return;
    case 'Play':
      s.record({ kind: 'play', url: prompt.url });
      return;
    case 'Pause':
      s.record({ kind: 'pause', seconds: prompt.length });
      await s.wait(prompt.length);
  }
}

/**
 * The caller listens to the prompts, then keys in their next `digits` entry. No input falls through
 * to the next verb, unless `actionOnEmptyResult` (https://www.twilio.com/docs/voice/twiml/gather).
 */
async function gather(s: CallSession, g: Gather, documentUrl: string): Promise<Fetch | undefined> {
  s.record({ kind: 'gather', numDigits: g.numDigits });
  for (const prompt of g.prompts) await playPrompt(s, prompt);
  const pressed = g.acceptsDtmf ? (s.caller.digits?.[s.gathers] ?? '1') : '';
  s.gathers++;
  const { digits, finishedOnKey } = collect(pressed, g);
  s.record({ kind: 'digits', digits: digits + finishedOnKey });
  // Without numDigits reached or finishOnKey, Twilio waits out the timeout before submitting.
  const complete = finishedOnKey !== '' || (g.numDigits !== null && digits.length === g.numDigits);
  await s.wait(pressed.length + (complete ? 0 : g.timeout));
  if (!digits && !g.actionOnEmptyResult) return undefined;
  return {
    kind: 'gather',
    url: resolveUrl(g.action ?? documentUrl, documentUrl),
    method: g.method,
    params: { Digits: digits, FinishedOnKey: finishedOnKey },
  };
}

function collect(pressed: string, g: Gather): { digits: string; finishedOnKey: string } {
  let digits = '';
  for (const key of pressed) {
    if (g.finishOnKey && key === g.finishOnKey) return { digits, finishedOnKey: key };
    digits += key;
    if (digits.length === g.numDigits) break;
  }
  return { digits, finishedOnKey: '' };
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
