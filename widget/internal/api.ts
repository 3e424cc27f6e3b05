import type { Lang } from './strings.ts';

/** A campaign as `GET /api/campaigns/:id` shows it to the public. */
export interface Campaign {
  id: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  /** What to say; `{title}`, `{name}` (or any other field of the office being called) are filled in. */
  script: string;
  /** `custom`: the same list for everyone, so no ZIP is asked; `routed`: an own list chosen by the caller's ZIP. */
  targetMode: 'congress' | 'custom' | 'routed';
  locale: Lang;
  countries: string[];
  strings?: Record<string, string>;
  nextStep?: NextStep;
  /** Present when callers may ask to be called again on the campaign's schedule, e.g. "every weekday between 10 am and 4 pm". */
  callAgain?: { description: string };
}

/** What the campaign asks a caller to do once the call is over. */
export interface NextStep {
  kind: 'share' | 'link' | 'redirect' | 'again';
  url?: string;
  text?: string;
}

/** An office to call, as the targets lookup returns it. */
export interface Target {
  id: string;
  name: string;
  title: string;
  party: string;
  state: string;
  district: string | null;
  phone: string;
}

/** A target as a placed call lists it: the client never handles office numbers for a call. */
export type CallTarget = Omit<Target, 'phone'>;

export interface Lookup {
  targets: Target[];
  location: { zip: string; state: string; districts: string[] } | null;
  /** True when the ZIP spans districts: the caller may choose one of `location.districts`. */
  split: boolean;
  note?: string;
  notes?: string[];
  /** A split ZIP: each district to choose from, with its representative (null: vacant). */
  choices?: { district: string; representative: { name: string; title: string } | null }[];
}

export interface PlacedCall {
  id: string;
  status: CallStatus;
  targets: CallTarget[];
}

/** Twilio's call statuses, for the caller's own leg. */
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
/** Twilio's `DialCallStatus`, for each office dialed: `completed` and `answered` both mean the office answered. */
export type LegStatus = Exclude<CallStatus, 'queued'> | 'answered';

/** What the caller says happened on a leg the office answered. */
export type Outcome = 'spoke' | 'voicemail' | 'unavailable';

export interface Leg {
  targetId: string;
  status: LegStatus;
  duration: number | null;
  /** Reported by the caller, with a key on the phone or a button in the widget; the first report wins. */
  outcome?: Outcome | null;
  /** Set when the member's first office did not answer: which of their offices this is (1, 2…), and its name. */
  attempt?: number;
  office?: string;
}

/**
 * What the supporter's phone is doing: ringing them, the intro and "press 1" (`gate`), an office
 * (`office`), asking how that office went (`outcome`), offering to call again (`offer`), `goodbye`,
 * and `ended` once `status` is final. `office` and `outcome` name their leg in `phaseLeg`.
 */
export type CallPhase = 'calling' | 'gate' | 'office' | 'outcome' | 'offer' | 'goodbye' | 'ended';

export interface CallSnapshot {
  id: string;
  status: CallStatus;
  legs: Leg[];
  phase?: CallPhase;
  /** The office `phase` is about: its index in the call's targets. */
  phaseLeg?: number;
  /** The supporter confirmed on the phone that we may call again. */
  optedIn?: boolean;
}

/** Host-page metadata stored with a call (see `cleanMeta`). */
export type Meta = Record<string, string | number | boolean>;

export interface CallRequest {
  phone: string;
  zip?: string;
  district?: string;
  /** Referral code, e.g. a newsletter's; valid codes only (see `validRef`). */
  ref?: string;
  meta?: Meta;
  /** Sent only when the caller ticked the box: opting in must be explicit. */
  callAgain?: true;
  /** The language the phone speaks. */
  lang: Lang;
}

/** The campaign's live counter: calls started and legs completed. */
export interface Count {
  calls: number;
  completed: number;
}

/** Every error the widget reports, each with words for the caller in the strings table. */
export type ErrorCode =
  | 'invalid_phone'
  | 'invalid_zip'
  | 'invalid_district'
  | 'invalid_body'
  | 'not_found'
  | 'campaign_paused'
  | 'campaign_archived'
  | 'rate_limited'
  | 'network'
  | 'unavailable'
  | 'unknown'
  | 'call_unanswered'
  | 'call_failed'
  | 'outcome_not_ready';

export type Field = 'phone' | 'zip' | 'district';

/** Server codes the widget has words for; any other becomes the named field's own code, or a code for its status. */
const knownCode = /^(invalid_(phone|zip|district|body)|not_found|campaign_(paused|archived)|rate_limited|unavailable|outcome_not_ready)$/;

/** Which limit a 429 hit: the caller's number, their network, the whole campaign, or the offices. */
export type LimitReason = 'phone' | 'network' | 'campaign' | 'offices';

export class ApiError {
  constructor(
    readonly code: ErrorCode,
    readonly status = 0,
    readonly field?: Field,
    /** Seconds until a rate-limited caller may try again, from `Retry-After` (or the body's `retryAfter`). */
    readonly retryAfter?: number,
    readonly reason?: LimitReason,
    /** The limit that was hit, e.g. calls per day for `reason: 'phone'`. */
    readonly limit?: number,
  ) {}
}

export const isFinal = (status: CallStatus | LegStatus) => !['queued', 'ringing', 'in-progress'].includes(status);

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init?.body ? { ...init, headers: { 'content-type': 'application/json' } } : init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('network');
  }
  if (res.ok) return res.json() as Promise<T>;
  const body: ErrorBody = ((await res.json().catch(() => null)) as { error?: ErrorBody } | null)?.error ?? {};
  const { code = '', field: named, reason, limit } = body;
  const field = named === 'phone' || named === 'zip' || named === 'district' ? named : undefined;
  // Retry-After in seconds, as the API sends it; the body says it too, for a cross-origin page the header is not exposed to.
  const retryAfter = Number(res.headers.get('retry-after') ?? body.retryAfter);
  throw new ApiError(
    knownCode.test(code) ? (code as ErrorCode) : field ? `invalid_${field}` : res.status >= 500 ? 'unavailable' : res.status === 404 ? 'not_found' : 'unknown',
    res.status,
    field,
    retryAfter >= 0 ? retryAfter : undefined,
    reason,
    limit,
  );
}

/** The API's error envelope, `{ error: { … } }`; a 429 adds which limit was hit. */
interface ErrorBody {
  code?: string;
  field?: string;
  reason?: LimitReason;
  limit?: number;
  retryAfter?: number;
}

const campaignUrl = (base: string, id: string) => `${base}/api/campaigns/${encodeURIComponent(id)}`;

/** The campaign in `lang` (its script, strings and next step, when it has them in that language), else in its own locale. */
export const getCampaign = (base: string, id: string, lang?: Lang) => request<Campaign>(campaignUrl(base, id) + (lang ? `?lang=${lang}` : ''));

/** Whom a caller at `zip` (and `district`) would call, with names and notes in `lang`. */
export function lookUpTargets(base: string, id: string, zip: string, district: string, lang: Lang, signal: AbortSignal) {
  const query = new URLSearchParams({ lang });
  if (zip) query.set('zip', zip);
  if (district) query.set('district', district);
  return request<Lookup>(`${campaignUrl(base, id)}/targets?${query}`, { signal });
}

export const placeCall = (base: string, id: string, body: CallRequest) =>
  request<{ call: PlacedCall }>(`${campaignUrl(base, id)}/calls`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.call);

/** The live counter, for the whole campaign or one referral code; `fresh` skips the browser's cache (the server caches a few seconds). */
export const getCount = (base: string, id: string, ref?: string, fresh?: boolean) =>
  request<Count>(`${campaignUrl(base, id)}/count${ref ? `?ref=${ref}` : ''}`, fresh ? { cache: 'no-cache' } : undefined);

export const callUrl = (base: string, callId: string) => `${base}/api/calls/${encodeURIComponent(callId)}`;

export const getCall = (base: string, callId: string) => request<CallSnapshot>(callUrl(base, callId));

/** Records what happened on leg `index` (the position of its office in the call's targets); answers with the leg as stored. */
export const reportOutcome = (base: string, callId: string, index: number, outcome: Outcome) =>
  request<{ leg: Leg }>(`${callUrl(base, callId)}/legs/${index}/outcome`, { method: 'POST', body: JSON.stringify({ outcome }) }).then((r) => r.leg);
