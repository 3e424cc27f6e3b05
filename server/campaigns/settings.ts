import { z } from 'zod';
import { WebhookSettings } from '../webhooks/settings.ts';

const text = (max: number) => z.string().trim().max(max);

/** The most offices tried after a target's first: each attempt has a phase rank of its own (calls/phase.ts). */
export const MAX_FALLBACK_OFFICES = 5;

export const E164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number like +12025550123');

/** Spoken prompts (text-to-speech). Variables: {campaign} {count} {title} {name} {office}. */
export const Prompts = z
  .object({
    intro: text(1000),
    pressOne: text(1000),
    goodbye: text(1000),
    skipHint: text(1000),
    targetIntro: text(1000),
    between: text(1000),
    unreachable: text(1000),
    /** Before dialing a target's next office, after one did not answer ({office}: its name). */
    tryingOffice: text(1000),
    thanks: text(1000),
    /** Call-in: greeting, asking for the caller's ZIP code and, when it spans districts, for their district. */
    welcome: text(1000),
    connecting: text(1000),
    noTargets: text(1000),
    askZip: text(1000),
    badZip: text(1000),
    askDistrict: text(1000),
    /** Call-in to a paused or archived campaign. */
    paused: text(1000),
    closed: text(1000),
    /** After an office answered; and the call-again offer, its confirmation, and opting out. */
    askOutcome: text(1000),
    offerAgain: text(1000),
    optedIn: text(1000),
    scheduledIntro: text(1000),
    optedOut: text(1000),
    /** Call-in refused: over a limit, or a blocked caller. */
    limited: text(1000),
    refused: text(1000),
  })
  .partial();
export type Prompts = z.infer<typeof Prompts>;

export const Chamber = z.enum(['both', 'senate', 'house']);

export const Targeting = z.object({
  /** Call the caller's members of Congress, found by ZIP. */
  congress: Chamber.optional(),
  /** Of those, only these members (bioguide ids), e.g. a committee's. */
  only: z.array(z.string().regex(/^[A-Z]\d{6}$/, 'must be a bioguide id like S000033')).max(600).optional(),
  /** Where the campaign's own list goes relative to the location targets. `fallback`: only when none are left. */
  customPlacement: z.enum(['before', 'after', 'instead', 'fallback']).default('after'),
  /** Dialing order of the location targets; chamber orders shuffle within each chamber, per caller. */
  order: z.enum(['in-order', 'shuffle', 'senate-first', 'house-first']).default('in-order'),
  /** Put one party's members first, or call only them. */
  party: z.object({ party: z.enum(['D', 'R', 'I']), mode: z.enum(['first', 'only']) }).optional(),
  /** At most this many targets per call. */
  max: z.number().int().min(1).max(20).optional(),
  /** Dial members' Washington offices or their (first) district office, whose name is spoken. */
  office: z.enum(['dc', 'district']).default('dc'),
  /** A ZIP spanning districts: ask the caller to choose, call every candidate, or call the senators only. */
  split: z.enum(['ask', 'all', 'senate']).default('ask'),
});
export type Targeting = z.infer<typeof Targeting>;

/** What the widget offers once the call is over (share, a link, a redirect, or "call again"). */
export const NextStep = z
  .object({
    kind: z.enum(['share', 'link', 'redirect', 'again']),
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'must be an http(s) URL')
      .optional(),
    text: text(500).optional(),
  })
  .refine((step) => step.url || (step.kind !== 'link' && step.kind !== 'redirect'), {
    path: ['url'],
    message: 'is required for a link or a redirect',
  });
export type NextStep = z.infer<typeof NextStep>;

const STRING_KEY = /^((en|es)\.)?[A-Za-z][\w-]{0,39}$/;

/** The widget's words, overridden: `submit` in every language, `es.submit` in Spanish only. */
export const WidgetStrings = z.record(z.string(), text(1000)).superRefine((strings, ctx) => {
  const keys = Object.keys(strings);
  if (keys.length > 100) ctx.addIssue({ code: 'custom', message: 'may override at most 100 strings' });
  for (const key of keys.filter((key) => !STRING_KEY.test(key))) {
    ctx.addIssue({ code: 'custom', path: [key], message: 'is not a widget string key like "submit" or "es.submit"' });
  }
});

/** Abuse limits; each is per campaign. Over a limit the public API answers 429 with Retry-After. */
export const Limits = z.object({
  /** Calls one caller (by number) may start in a day. */
  perPhonePerDay: z.number().int().min(1).max(100).default(3),
  /** Calls one client IP may start in an hour. */
  perIpPerHour: z.number().int().min(1).max(100_000).default(10),
  /** Calls the whole campaign may start in a minute. */
  perCampaignPerMinute: z.number().int().min(1).max(100_000).default(120),
  /** Calls one office may receive from this campaign in an hour; past it the office is left out. */
  perTargetPerHour: z.number().int().min(1).max(1_000_000).default(600),
});
export type Limits = z.infer<typeof Limits>;

/** When supporters who asked are called again: local days and hours, in the time zone of whom they call. */
export const CallAgain = z
  .object({
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5]),
    /** Local hours: from (inclusive) to (exclusive). */
    from: z.number().int().min(0).max(23).default(10),
    to: z.number().int().min(1).max(24).default(16),
    /** Days between two calls to one supporter. */
    everyDays: z.number().int().min(1).max(60).default(1),
    /** An IANA zone for every call; unset: the first office's (Washington offices are on Eastern time). */
    timeZone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone like America/Chicago')
      .optional(),
  })
  .refine((schedule) => schedule.from < schedule.to, { message: 'must end after it starts', path: ['to'] });
export type CallAgain = z.infer<typeof CallAgain>;

/** What a campaign says in one more language: its script, spoken prompts and next-step text. */
export const Translation = z.object({
  script: text(4000).optional(),
  prompts: Prompts.optional(),
  nextStep: z.object({ text: text(500).optional() }).optional(),
});
export type Translation = z.infer<typeof Translation>;

export const CampaignSettings = z.object({
  targets: Targeting,
  /** What the supporter should say; shown by the widget. */
  script: text(4000).default(''),
  locale: z.enum(['en', 'es']).default('en'),
  /** ISO countries whose numbers may be rung; the first reads national formats. */
  countries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code like US'))
    .min(1)
    .max(20)
    .default(['US']),
  prompts: Prompts.default({}),
  limits: Limits.prefault({}),
  /** Ask the supporter to press 1 before connecting, so a voicemail or a stranger never reaches an office. */
  pressOneGate: z.boolean().default(true),
  /** After each office that answered, ask how it went (1 spoke to someone, 2 left a voicemail, 3 no one). */
  askOutcome: z.boolean().default(true),
  /**
   * When a member's office is busy, does not answer or fails, how many of their other offices (district
   * offices, then Washington) to try before the next target; 0 turns it off. Not for the campaign's own list.
   */
  fallbackOffices: z.number().int().min(0).max(MAX_FALLBACK_OFFICES).default(1),
  /** Of a member's offices, try those that mostly did not answer in the last 15 minutes last. */
  preferAnsweringOffices: z.boolean().default(true),
  /** Offer to call supporters again on this schedule (unset: not offered). */
  callAgain: CallAgain.optional(),
  /** The number supporters see calling them: one of the account's numbers (unset: TWILIO_CALLER_ID). */
  callerId: E164.optional(),
  /**
   * The number offices see: the campaign's (the one we rang the supporter from, or the call-in line they
   * rang) or the supporter's own, for staff who tally constituents by area code (README: "Campaigns").
   */
  callerIdMode: z.enum(['campaign', 'supporter']).default('campaign'),
  nextStep: NextStep.optional(),
  strings: WidgetStrings.optional(),
  /**
   * The campaign in another language: a caller whose widget is in that language reads this script and
   * hears these prompts (anything left out falls back to the defaults for that language, then to `script`).
   */
  translations: z.object({ en: Translation.optional(), es: Translation.optional() }).optional(),
  /** Signed event deliveries to the campaign's own systems (see server/webhooks). */
  webhook: WebhookSettings.optional(),
});
export type CampaignSettings = z.infer<typeof CampaignSettings>;
