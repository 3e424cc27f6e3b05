import type { Campaign } from '../campaigns/campaigns.ts';
import { E164, type Prompts } from '../campaigns/settings.ts';
import { officeAt, type Target } from '../targets/target.ts';
import type { Call } from './calls.ts';
import { wordsIn } from '../campaigns/language.ts';
import type { PhaseStep } from './phase.ts';
import { DEFAULT_PROMPTS, DISTRICT_CHOICE, fillIn, type Locale, officeCount, spokenTitle } from './prompts.ts';
import { TwimlResponse } from './twiml-writer.ts';

/** Twilio's `<Say>` voice and language for each locale (https://www.twilio.com/docs/voice/twiml/say/text-speech). */
type SayAttributes = { voice: string; language: string };
type Sayer = { say(attributes: SayAttributes, message: string): unknown };

const VOICES: Record<Locale, SayAttributes> = {
  en: { voice: 'Polly.Joanna', language: 'en-US' },
  es: { voice: 'Polly.Lupe', language: 'es-US' },
};

const GOODBYE: PhaseStep = { phase: 'goodbye' };

/** The Dial results after which a target's next office is tried; `canceled` is the supporter skipping (*) or hanging up. */
const FALLBACK_STATUSES = ['busy', 'no-answer', 'failed'];

/** How long an office may ring before the Dial gives up, in seconds. */
const OFFICE_RING_SECONDS = 30;
/** Call-in: how many times we ask for a ZIP code or a district before giving up. */
export const MAX_ATTEMPTS = 3;

/** A step's TwiML, the leg it starts dialing (and which of its offices) so the route can record it, or else the phase it starts. */
export interface Step {
  twiml: string;
  dialing?: number;
  attempt?: number;
  phase?: PhaseStep;
}

/** Speaks a campaign's prompts in one language (the campaign's unless the caller chose another), with its overrides. */
class Speaker {
  protected readonly campaign: Campaign;
  protected readonly locale: Locale;
  readonly #prompts: Prompts;

  constructor(campaign: Campaign, locale: Locale = campaign.settings.locale) {
    this.campaign = campaign;
    this.locale = locale;
    this.#prompts = wordsIn(campaign.settings, locale).prompts;
  }

  /** The language this speaks. */
  get language(): Locale {
    return this.locale;
  }

  protected say(into: Sayer, key: keyof Prompts, vars: Record<string, string> = {}): void {
    const template = this.#prompts[key] || DEFAULT_PROMPTS[this.locale][key];
    const text = fillIn(template, { campaign: this.campaign.name, ...vars });
    if (text) into.say(VOICES[this.locale], text);
  }

  /** One prompt, then hang up. */
  final(key: keyof Prompts): string {
    const response = new TwimlResponse();
    this.say(response, key);
    response.hangup();
    return response.toString();
  }
}

/** For a campaign-level answer with no call behind it (call-in to a paused or archived campaign, or a refused caller). */
export const campaignMessage = (campaign: Campaign, key: 'paused' | 'closed' | 'limited' | 'refused') => new Speaker(campaign).final(key);

/** The call's two numbers, as Twilio signs them into every webhook of it. */
export interface CallParties {
  From?: string;
  To?: string;
}

/**
 * The TwiML for each step of a bridge call. Every URL carries only the call's unguessable id
 * (and, for call-in re-prompts, an attempt number); who to dial and in what order is read from the store.
 */
export class CallFlow extends Speaker {
  readonly #call: Call;
  readonly #base: string;
  readonly #parties: CallParties;

  constructor(call: Call, campaign: Campaign, publicUrl: string, parties: CallParties = {}) {
    super(campaign, (call.lang as Locale | null) ?? campaign.settings.locale);
    this.#call = call;
    this.#base = `${publicUrl}/twiml/calls/${call.id}`;
    this.#parties = parties;
  }

  /**
   * The number the offices see. Twilio allows only the call's own two numbers or one of the account's
   * (https://www.twilio.com/docs/errors/13214), and without a callerId shows the call's From
   * (https://www.twilio.com/docs/voice/twiml/dial#callerid): for a call we placed, the number we rang from;
   * for a call-in, the caller's, so the line they rang is named. The supporter's number is used only when it
   * is one (a withheld caller ID is not), and read from the webhook, not kept.
   */
  get #callerId(): string | undefined {
    const inbound = this.#call.direction === 'inbound';
    const supporter = inbound ? this.#parties.From : this.#parties.To;
    if (this.campaign.settings.callerIdMode === 'supporter' && E164.safeParse(supporter).success) return supporter;
    return inbound ? this.#parties.To : undefined;
  }

  get #count() {
    return officeCount(this.locale, this.#call.targets.length);
  }

  /**
   * We rang the supporter and they picked up: introduce, then the press-1 gate (screens out voicemail
   * and strangers), unless the campaign turned the gate off.
   */
  answer(): Step {
    const response = new TwimlResponse();
    if (this.campaign.settings.pressOneGate === false) {
      this.say(response, 'intro', { count: this.#count });
      this.say(response, 'skipHint');
      return this.#dial(response, 0);
    }
    const gather = () => response.gather({ numDigits: 1, action: `${this.#base}/gate`, method: 'POST', timeout: 8 });
    const first = gather();
    if (this.#call.scheduled) {
      this.say(first, 'scheduledIntro', { count: this.#count });
    } else {
      this.say(first, 'intro', { count: this.#count });
    }
    this.say(first, 'pressOne');
    this.say(gather(), 'pressOne');
    this.say(response, 'goodbye');
    response.hangup();
    return { twiml: response.toString(), phase: { phase: 'gate' } };
  }

  /**
   * The key pressed at the gate: 1 starts the first dial, 9 has stopped the calls (see the route),
   * anything else ends the call. `optedIn` is the call-again schedule the supporter just confirmed.
   */
  gate(digits: string, optedIn?: string): Step {
    if (digits === '9') return { twiml: this.final('optedOut'), phase: GOODBYE };
    if (digits !== '1') return { twiml: this.final('goodbye'), phase: GOODBYE };
    const response = new TwimlResponse();
    if (optedIn) this.say(response, 'optedIn', { schedule: optedIn });
    this.say(response, 'skipHint');
    return this.#dial(response, 0);
  }

  /**
   * Whether an office of target `position` that ended with `status` on `attempt` is followed by its next
   * office: it was busy, did not answer or failed, and the campaign tries another (`fallbackOffices`).
   */
  fallsBack(position: number, attempt: number, status: string): boolean {
    const tries = Math.min(this.campaign.settings.fallbackOffices ?? 1, this.#call.targets[position]!.fallbacks?.length ?? 0);
    return attempt < tries && FALLBACK_STATUSES.includes(status);
  }

  /**
   * After target `position`'s leg (on its office `attempt`): its next office if this one did not answer and
   * it has one (see `fallsBack`); else how did it go (if the office answered), then the next target or the
   * end. `offer` is the call-again schedule to offer at the end, when the supporter has not taken it.
   */
  afterLeg(position: number, status: string, offer?: string, attempt = 0): Step {
    const response = new TwimlResponse();
    const answered = status === 'completed' || status === 'answered';
    if (!answered) this.say(response, 'unreachable');
    if (this.fallsBack(position, attempt, status)) {
      this.say(response, 'tryingOffice', { office: officeAt(this.#call.targets[position]!, attempt + 1)!.office ?? '' });
      return this.#dial(response, position, attempt + 1);
    }
    if (answered && this.campaign.settings.askOutcome !== false) {
      // No key pressed: on to the same URL with no digits, so we learn when the question is over and the next dial starts.
      const action = `${this.#base}/legs/${position}/outcome`;
      this.say(response.gather({ numDigits: 1, action, method: 'POST', timeout: 5 }), 'askOutcome');
      response.redirect({ method: 'POST' }, action);
      return { twiml: response.toString(), phase: { phase: 'outcome', leg: position } };
    }
    return this.#onwards(response, position, offer);
  }

  /** The supporter keyed in how the leg went: carry on as if they had not been asked. */
  afterOutcome(position: number, offer?: string): Step {
    return this.#onwards(new TwimlResponse(), position, offer);
  }

  /** The key pressed at the call-again offer: 1 has opted them in (see the route), anything else ends politely. */
  afterOffer(digits: string, schedule: string): Step {
    const response = new TwimlResponse();
    if (digits === '1') this.say(response, 'optedIn', { schedule });
    this.say(response, 'thanks');
    response.hangup();
    return { twiml: response.toString(), phase: GOODBYE };
  }

  #onwards(response: TwimlResponse, position: number, offer?: string): Step {
    const next = position + 1;
    if (next < this.#call.targets.length) {
      this.say(response, 'between');
      return this.#dial(response, next);
    }
    if (offer) {
      const action = `${this.#base}/again`;
      this.say(response.gather({ numDigits: 1, action, method: 'POST', timeout: 6 }), 'offerAgain', { schedule: offer });
    }
    this.say(response, 'thanks');
    response.hangup();
    return { twiml: response.toString(), phase: offer ? { phase: 'offer' } : GOODBYE };
  }

  /** A supporter rang the call-in number: a campaign with a fixed list connects at once; a Congress one asks for a ZIP. */
  welcome(): Step {
    if (this.#call.targets.length) return this.connect('welcome');
    return { twiml: this.askZip(1, 'welcome'), phase: { phase: 'gate' } };
  }

  /** Asks for a ZIP code (again after a bad one); gives up after MAX_ATTEMPTS. */
  askZip(attempt: number, before?: keyof Prompts): string {
    if (attempt > MAX_ATTEMPTS) return this.final('goodbye');
    const response = new TwimlResponse();
    if (before) this.say(response, before);
    const action = `${this.#base}/zip?attempt=${attempt}`;
    this.say(response.gather({ numDigits: 5, action, method: 'POST', timeout: 10, finishOnKey: '#' }), 'askZip');
    response.redirect({ method: 'POST' }, action);
    return response.toString();
  }

  /** A split ZIP: one key per candidate representative. */
  askDistrict(representatives: readonly Pick<Target, 'title' | 'name'>[], attempt: number): string {
    if (attempt > MAX_ATTEMPTS) return this.final('goodbye');
    const response = new TwimlResponse();
    const action = `${this.#base}/district?attempt=${attempt}`;
    const gather = response.gather({ numDigits: 1, action, method: 'POST', timeout: 10 });
    this.say(gather, 'askDistrict');
    representatives.forEach(({ title, name }, index) => {
      const text = fillIn(DISTRICT_CHOICE[this.locale], { title: spokenTitle(this.locale, title), name, digit: index + 1 });
      gather.say(VOICES[this.locale], text);
    });
    response.redirect({ method: 'POST' }, action);
    return response.toString();
  }

  /** Call-in, targets known: say how many, then the first dial (the caller rang us, so no press-1 gate). */
  connect(before?: keyof Prompts): Step {
    if (!this.#call.targets.length) return { twiml: this.final('noTargets'), phase: GOODBYE };
    const response = new TwimlResponse();
    if (before) this.say(response, before);
    this.say(response, 'connecting', { count: this.#count });
    this.say(response, 'skipHint');
    return this.#dial(response, 0);
  }

  /** Dials target `position`'s office `attempt` (0: its first, introduced; a fallback's prompt is said before). */
  #dial(response: TwimlResponse, position: number, attempt = 0): Step {
    const target = this.#call.targets[position]!;
    const office = officeAt(target, attempt)!;
    if (!attempt) {
      this.say(response, 'targetIntro', {
        title: spokenTitle(this.locale, target.title),
        name: target.name,
        office: target.office ? `, ${target.office}` : '',
      });
    }
    const leg = `${this.#base}/legs/${position}${attempt ? `/${attempt}` : ''}`;
    response
      .dial({ action: leg, method: 'POST', hangupOnStar: true, timeout: OFFICE_RING_SECONDS, callerId: this.#callerId })
      .number(
        {
          // Each "w" waits half a second for the office's menu before the extension is keyed.
          ...(target.extension ? { sendDigits: `ww${target.extension}` } : {}),
          statusCallback: `${leg}/status`,
          statusCallbackEvent: ['answered'],
          statusCallbackMethod: 'POST',
        },
        office.phone,
      );
    return { twiml: response.toString(), dialing: position, attempt };
  }
}

/** For a webhook about a call we no longer know (or a bad leg number): end politely. */
export function hangupTwiml(): string {
  const response = new TwimlResponse();
  response.say(VOICES.en, 'Sorry, this call cannot continue. Goodbye.');
  response.hangup();
  return response.toString();
}
