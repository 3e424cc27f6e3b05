import type { Campaign } from '../campaigns/campaigns.ts';
import { Limits } from '../campaigns/settings.ts';
import { ApiError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { planOffices } from '../targets/offices.ts';
import type { Target } from '../targets/target.ts';
import type { Blocklist } from './blocklist.ts';
import type { Client } from './client-ip.ts';
import { reserve, type Usage, type Window } from './rate-limit.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;

export interface Attempt {
  campaign: Campaign;
  phoneHash: string;
  /** The client, when the call comes from the public API. */
  client?: Client;
  /** Whom the call would dial; empty when that is not known yet (call-in, before the caller's ZIP). */
  targets: readonly Target[];
}

/** Which budget refused an attempt: the widget words its message by it. */
export type LimitReason = 'phone' | 'network' | 'campaign' | 'offices';

type Limited = Window & { reason: LimitReason; message: (usage: Usage) => string };

const later = (seconds: number) => (seconds < 90 ? `in ${seconds} seconds` : seconds < 2 * HOUR ? `in ${Math.ceil(seconds / 60)} minutes` : `in ${Math.ceil(seconds / HOUR)} hours`);

/** Campaigns stored before limits existed read as the defaults. */
const limitsOf = (campaign: Campaign) => ({ limits: Limits.parse(campaign.settings.limits ?? {}), scope: `c:${campaign.id}` });

function limited(usage: Usage, reason: LimitReason, message: string): ApiError {
  const error = new ApiError(429, 'rate_limited', message, undefined, { 'Retry-After': String(usage.resetIn) });
  error.facts = { reason, limit: usage.limit, retryAfter: usage.resetIn };
  return error;
}

const full = (usage: Usage) => usage.count >= usage.limit;

/** Each office's hourly cap: an office past it is left out of new calls. */
function officeWindows(campaign: Campaign, targets: readonly Target[]): Window[] {
  const { limits, scope } = limitsOf(campaign);
  return targets.map((target) => ({ key: `${scope}:target:${target.id}`, limit: limits.perTargetPerHour, seconds: HOUR }));
}

/**
 * Decides whether a call may be placed, and counts it only if so: blocklists first (403), then the
 * caller's, the client address's and the campaign's limits (429 with Retry-After), and each office's
 * hourly cap (an office over it is left out; 429 when that leaves nobody). Returns the targets to dial,
 * with the offices to try for each (targets/offices.ts).
 * Refused attempts count against no budget, so an attacker replaying a refused number cannot keep the
 * campaign full or lock a stranger's number out. Limits count in the store, so they hold across
 * processes.
 */
export async function admitCall(db: Db, blocklist: Blocklist, { campaign, phoneHash, client, targets }: Attempt): Promise<Target[]> {
  if ((await blocklist.isPhoneBlocked(phoneHash, campaign.orgId)) || (await blocklist.isIpBlocked(client?.ip, campaign.orgId))) {
    throw new ApiError(403, 'blocked', 'Calls from this number or network are not accepted by this service.');
  }
  const { limits, scope } = limitsOf(campaign);
  const caller: Limited[] = [
    {
      key: `${scope}:phone:${phoneHash}`,
      limit: limits.perPhonePerDay,
      seconds: DAY,
      reason: 'phone',
      message: (u) => `You have already called ${u.limit === 1 ? 'once' : `${u.limit} times`} today with this number. Thank you! You can call again ${later(u.resetIn)}.`,
    },
    ...(client
      ? [
          {
            key: `${scope}:ip:${client.key}`,
            limit: limits.perIpPerHour,
            seconds: HOUR,
            reason: 'network' as const,
            message: (u: Usage) => `Too many calls from your network. Please try again ${later(u.resetIn)}.`,
          },
        ]
      : []),
    {
      key: `${scope}:minute`,
      limit: limits.perCampaignPerMinute,
      seconds: 60,
      reason: 'campaign',
      message: (u) => `Lots of people are calling right now. Please try again ${later(u.resetIn)}.`,
    },
  ];
  const reservation = await reserve(db, caller, officeWindows(campaign, targets));
  if (reservation.admitted) return planOffices(db, campaign, targets.filter((_, i) => reservation.each[i]!.counted));
  const over = reservation.all.map((usage, i) => ({ usage, window: caller[i]! })).filter(({ usage }) => full(usage));
  if (over.length) {
    const worst = over.reduce((a, b) => (b.usage.resetIn > a.usage.resetIn ? b : a));
    throw limited(worst.usage, worst.window.reason, worst.window.message(worst.usage));
  }
  throw officesFull(reservation.each);
}

/** Call-in, once the caller's ZIP is known: leaves out offices past their hourly cap; 429 when that leaves nobody. */
export async function capOffices(db: Db, campaign: Campaign, targets: readonly Target[]): Promise<Target[]> {
  if (!targets.length) return [];
  const { admitted, each } = await reserve(db, [], officeWindows(campaign, targets));
  if (!admitted) throw officesFull(each);
  return planOffices(db, campaign, targets.filter((_, i) => each[i]!.counted));
}

function officesFull(offices: Usage[]): ApiError {
  const soonest = offices.reduce((a, b) => (b.resetIn < a.resetIn ? b : a));
  return limited(soonest, 'offices', `These offices are getting a lot of calls right now. Please try again ${later(soonest.resetIn)}.`);
}
