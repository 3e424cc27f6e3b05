import type { CustomTarget, Limits, Prompts, Settings } from './api.ts';

/** Every spoken prompt a campaign may override (server/calls/prompts.ts has the defaults); a key the server adds fails the typecheck until it is named here. */
export const PROMPT_LABELS: Record<keyof Prompts, string> = {
  intro: 'Introduction',
  pressOne: 'Press 1 prompt',
  goodbye: 'Goodbye (no 1 pressed)',
  skipHint: 'Skip hint',
  targetIntro: 'Before each office',
  between: 'Between calls',
  unreachable: 'Office busy or unreachable',
  tryingOffice: 'Trying the member’s next office ({office})',
  askOutcome: 'How did it go? (after an office answered)',
  thanks: 'Thank you (after the last call)',
  offerAgain: 'Offer to call again',
  optedIn: 'Call again: confirmed',
  scheduledIntro: 'Call again: introduction of a scheduled call',
  optedOut: 'Call again: stopped',
  welcome: 'Call-in: welcome',
  connecting: 'Call-in: connecting',
  noTargets: 'Call-in: nobody to call',
  askZip: 'Call-in: ask for the ZIP code',
  badZip: 'Call-in: unknown ZIP code',
  askDistrict: 'Call-in: choose a district',
  paused: 'Call-in: campaign paused',
  closed: 'Call-in: campaign ended',
  limited: 'Call-in: over a limit',
  refused: 'Call-in: caller blocked',
};
export const PROMPTS = Object.entries(PROMPT_LABELS) as [keyof Prompts, string][];

export const LIMIT_LABELS: Record<keyof Limits, string> = {
  perPhonePerDay: 'Calls one caller may start per day',
  perIpPerHour: 'Calls one address may start per hour',
  perCampaignPerMinute: 'Calls the campaign may start per minute',
  perTargetPerHour: 'Calls one office may receive per hour',
};
export const LIMITS = Object.entries(LIMIT_LABELS) as [keyof Limits, string][];

export type Locale = Settings['locale'];
export const LANGUAGES: [Locale, string][] = [
  ['en', 'English'],
  ['es', 'Spanish'],
];

/** ISO weekdays, 1 = Monday, named in the browser's language. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, new Date(Date.UTC(2024, 0, day)).toLocaleDateString(undefined, { weekday: 'long', timeZone: 'UTC' })] as const);

/** A row of the own list as the form edits it: its ZIPs as typed (separated by spaces, commas or semicolons). */
export type Row = Partial<Omit<CustomTarget, 'zips' | 'coverage'>> & { key: number; zips?: string };

export const toRow = ({ zips, coverage: _coverage, ...target }: CustomTarget, key: number): Row => ({ ...target, key, ...(zips ? { zips: zips.join(' ') } : {}) });

const filled = <T extends object>(object: T) => Object.fromEntries(Object.entries(object).filter(([, value]) => value)) as Partial<T>;

/**
 * The form as the admin API takes it. An empty optional field is `null` (PATCH clears it); an empty
 * limit or schedule field is left out, so the server's default applies. `translations` are the stored
 * ones with the form's languages (all but the campaign's own) laid over them.
 */
export function campaignBody(data: FormData, rows: Row[], translations: Settings['translations'] = {}) {
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const orNull = (name: string) => text(name) || null;
  const prompts = (prefix: string) => filled(Object.fromEntries(PROMPTS.map(([key]) => [key, text(`${prefix}.${key}`)])) as Prompts);
  /** The `prefix.name` fields that hold a number; empty ones are left out. */
  const numbers = (prefix: string, names: readonly string[]) =>
    Object.fromEntries(names.filter((name) => text(`${prefix}.${name}`)).map((name) => [name, Number(text(`${prefix}.${name}`))]));
  const strings = Object.fromEntries(
    text('strings')
      .split('\n')
      .map((line) => line.split('=').map((part) => part.trim()))
      .filter(([key, ...value]) => key && value.length)
      .map(([key, ...value]) => [key!, value.join('=')]),
  );
  const kind = text('nextStep.kind');
  const party = text('targets.party.party');
  const only = text('targets.only').toUpperCase().split(/[\s,]+/).filter(Boolean);
  const days = data.getAll('callAgain.days').map(Number);
  const locale = text('locale') as Locale;
  const translated = { ...translations };
  for (const [code] of LANGUAGES.filter(([code]) => code !== locale)) {
    const [script, nextText, spoken] = [text(`translations.${code}.script`), text(`translations.${code}.nextStep.text`), prompts(`translations.${code}.prompts`)];
    const translation = filled({ script, prompts: Object.keys(spoken).length ? spoken : undefined, nextStep: nextText ? { text: nextText } : undefined });
    if (Object.keys(translation).length) translated[code] = translation;
    else delete translated[code];
  }
  return {
    name: text('name'),
    status: text('status'),
    locale,
    countries: text('countries').toUpperCase().split(/[\s,]+/).filter(Boolean),
    callerId: orNull('callerId'),
    callerIdMode: text('callerIdMode'),
    callInNumber: orNull('callInNumber'),
    script: text('script'),
    prompts: prompts('prompts'),
    strings,
    translations: Object.keys(translated).length ? translated : null,
    pressOneGate: data.has('pressOneGate'),
    askOutcome: data.has('askOutcome'),
    fallbackOffices: text('fallbackOffices') ? Number(text('fallbackOffices')) : 1,
    preferAnsweringOffices: data.has('preferAnsweringOffices'),
    limits: numbers('limits', LIMITS.map(([key]) => key)),
    callAgain: data.has('callAgain')
      ? { ...numbers('callAgain', ['from', 'to', 'everyDays']), ...(days.length ? { days } : {}), ...(text('callAgain.timeZone') ? { timeZone: text('callAgain.timeZone') } : {}) }
      : null,
    nextStep: kind ? { kind, ...(text('nextStep.url') ? { url: text('nextStep.url') } : {}), ...(text('nextStep.text') ? { text: text('nextStep.text') } : {}) } : null,
    targets: {
      congress: orNull('targets.congress'),
      order: text('targets.order'),
      customPlacement: text('targets.customPlacement'),
      office: text('targets.office'),
      split: text('targets.split'),
      max: text('targets.max') ? Number(text('targets.max')) : null,
      party: party ? { party, mode: text('targets.party.mode') } : null,
      only: only.length ? only : null,
      custom: rows.map(({ key: _key, zips = '', ...row }) => ({
        ...Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '' && value !== undefined)),
        ...(zips.trim() ? { zips: zips.trim().split(/[\s,;]+/) } : {}),
      })),
    },
  };
}

/** A new campaign has nothing to clear: its empty optional fields are left out rather than sent as null. */
export function withoutNulls(body: ReturnType<typeof campaignBody>) {
  const drop = (object: object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
  return { ...drop(body), targets: drop(body.targets) };
}
