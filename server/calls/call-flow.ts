import twilio from 'twilio';
import type { Campaign } from '../campaigns/campaigns.ts';
import type { Call } from './calls.ts';
import { DEFAULT_PROMPTS, fillIn, type Locale, officeCount, spokenTitle } from './prompts.ts';
import type { Prompts } from '../campaigns/settings.ts';

type SayAttributes = Parameters<twilio.twiml.VoiceResponse['say']>[0] & object;

const VOICES: Record<Locale, SayAttributes> = {
  en: { voice: 'Polly.Joanna', language: 'en-US' },
  es: { voice: 'Polly.Lupe', language: 'es-US' },
};

/** How long an office may ring before the Dial gives up, in seconds. */
const OFFICE_RING_SECONDS = 30;

/**
 * The TwiML for each step of a bridge call. Every URL carries only the call's unguessable id;
 * everything else (who to dial, in what order) is read from the store.
 */
export class CallFlow {
  readonly #call: Call;
  readonly #campaign: Campaign;
  readonly #base: string;
  readonly #locale: Locale;

  constructor(call: Call, campaign: Campaign, publicUrl: string) {
    this.#call = call;
    this.#campaign = campaign;
    this.#base = `${publicUrl}/twiml/calls/${call.id}`;
    this.#locale = campaign.settings.locale;
  }

  /** The supporter picked up: introduce, then the press-1 gate (screens out voicemail and strangers). */
  answer(): string {
    const response = new twilio.twiml.VoiceResponse();
    const vars = { campaign: this.#campaign.name, count: officeCount(this.#locale, this.#call.targets.length) };
    const gather = () => response.gather({ numDigits: 1, action: `${this.#base}/gate`, method: 'POST', timeout: 8 });
    const first = gather();
    this.#say(first, 'intro', vars);
    this.#say(first, 'pressOne', vars);
    this.#say(gather(), 'pressOne', vars);
    this.#say(response, 'goodbye', vars);
    response.hangup();
    return response.toString();
  }

  /** The key pressed at the gate: 1 starts the first dial, anything else ends the call. */
  gate(digits: string): { twiml: string; dialing?: number } {
    const response = new twilio.twiml.VoiceResponse();
    if (digits !== '1') {
      this.#say(response, 'goodbye', {});
      response.hangup();
      return { twiml: response.toString() };
    }
    this.#say(response, 'skipHint', {});
    this.#dial(response, 0);
    return { twiml: response.toString(), dialing: 0 };
  }

  /** After target `position`'s leg: the next target, or the thank-you. */
  afterLeg(position: number, status: string): { twiml: string; dialing?: number } {
    const response = new twilio.twiml.VoiceResponse();
    if (status !== 'completed' && status !== 'answered') this.#say(response, 'unreachable', {});
    const next = position + 1;
    if (next >= this.#call.targets.length) {
      this.#say(response, 'thanks', {});
      response.hangup();
      return { twiml: response.toString() };
    }
    this.#say(response, 'between', {});
    this.#dial(response, next);
    return { twiml: response.toString(), dialing: next };
  }

  #dial(response: twilio.twiml.VoiceResponse, position: number): void {
    const target = this.#call.targets[position]!;
    this.#say(response, 'targetIntro', {
      title: spokenTitle(this.#locale, target.title),
      name: target.name,
      office: target.office ? `, ${target.office}` : '',
    });
    const leg = `${this.#base}/legs/${position}`;
    response
      .dial({ action: leg, method: 'POST', hangupOnStar: true, timeout: OFFICE_RING_SECONDS })
      .number(
        {
          // Each "w" waits half a second for the office's menu before the extension is keyed.
          ...(target.extension ? { sendDigits: `ww${target.extension}` } : {}),
          statusCallback: `${leg}/status`,
          statusCallbackEvent: ['answered'],
          statusCallbackMethod: 'POST',
        },
        target.phone,
      );
  }

  #say(into: { say(attributes: SayAttributes, message: string): unknown }, key: keyof Prompts, vars: Record<string, string>): void {
    const template = this.#campaign.settings.prompts[key] || DEFAULT_PROMPTS[this.#locale][key];
    const text = fillIn(template, vars);
    if (text) into.say(VOICES[this.#locale], text);
  }
}

/** For a webhook about a call we no longer know (or a bad leg number): end politely. */
export function hangupTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICES.en, 'Sorry, this call cannot continue. Goodbye.');
  response.hangup();
  return response.toString();
}
