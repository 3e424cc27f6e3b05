import type { Campaign } from '../campaigns/campaigns.ts';
import { Limits } from '../campaigns/settings.ts';
import { ApiError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import type { Target } from '../targets/target.ts';
import type { Blocklist } from './blocklist.ts';
import { consume, type Usage, type Window } from './rate-limit.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;

export interface Attempt {
  campaign: Campaign;
  phoneHash: string;
  /** The client's address, when the call comes from the public API. */
  ip?: string;
  targets: readonly Target[];
}

const later = (seconds: number) => (seconds < 90 ? `in ${seconds} seconds` : seconds < 2 * HOUR ? `in ${Math.ceil(seconds / 60)} minutes` : `in ${Math.ceil(seconds / HOUR)} hours`);

/** Campaigns stored before limits existed read as the defaults. */
const limitsOf = (campaign: Campaign) => ({ limits: Limits.parse(campaign.settings.limits ?? {}), scope: `c:${campaign.id}` });

function limited(usage: Usage, message: string): ApiError {
  return new ApiError(429, 'rate_limited', message, undefined, { 'Retry-After': String(usage.resetIn) });
}

/**
 * Decides whether a call may be placed: blocklists first (403), then the caller's, the client IP's and
 * the campaign's limits (429 with Retry-After), then each office's hourly cap (an office over it is left
 * out). Returns the targets to dial. Limits count in the store, so they hold across server processes.
 */
export async function admitCall(db: Db, blocklist: Blocklist, attempt: Attempt): Promise<Target[]> {
  await admitCaller(db, blocklist, attempt);
  return capOffices(db, attempt.campaign, attempt.targets);
}

/** Blocklists and the caller, IP and campaign limits. */
export async function admitCaller(db: Db, blocklist: Blocklist, { campaign, phoneHash, ip }: Omit<Attempt, 'targets'>): Promise<void> {
  if ((await blocklist.isPhoneBlocked(phoneHash)) || (await blocklist.isIpBlocked(ip))) {
    throw new ApiError(403, 'blocked', 'Calls from this number or network are not accepted by this service.');
  }
  const { limits, scope } = limitsOf(campaign);
  const windows: (Window & { message: (u: Usage) => string })[] = [
    {
      key: `${scope}:phone:${phoneHash}`,
      limit: limits.perPhonePerDay,
      seconds: DAY,
      message: (u) => `You have already started ${u.limit} calls today. Thank you! You can call again ${later(u.resetIn)}.`,
    },
    ...(ip
      ? [{ key: `${scope}:ip:${ip}`, limit: limits.perIpPerHour, seconds: HOUR, message: (u: Usage) => `Too many calls from your network. Please try again ${later(u.resetIn)}.` }]
      : []),
    {
      key: `${scope}:minute`,
      limit: limits.perCampaignPerMinute,
      seconds: 60,
      message: (u) => `Lots of people are calling right now. Please try again ${later(u.resetIn)}.`,
    },
  ];
  const usage = await consume(db, windows);
  const over = usage.map((u, i) => ({ u, window: windows[i]! })).filter(({ u }) => u.count > u.limit);
  if (over.length) {
    const worst = over.reduce((a, b) => (b.u.resetIn > a.u.resetIn ? b : a));
    throw limited(worst.u, worst.window.message(worst.u));
  }
}

/** Leaves out offices past their hourly cap; 429 when that leaves nobody. */
export async function capOffices(db: Db, campaign: Campaign, targets: readonly Target[]): Promise<Target[]> {
  const { limits, scope } = limitsOf(campaign);
  const offices = await consume(
    db,
    targets.map((target) => ({ key: `${scope}:target:${target.id}`, limit: limits.perTargetPerHour, seconds: HOUR })),
  );
  const open = targets.filter((_, i) => offices[i]!.count <= offices[i]!.limit);
  if (!open.length && offices.length) {
    const soonest = offices.reduce((a, b) => (b.resetIn < a.resetIn ? b : a));
    throw limited(soonest, `These offices are getting a lot of calls right now. Please try again ${later(soonest.resetIn)}.`);
  }
  return open;
}
