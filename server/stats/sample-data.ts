import { eq, sql } from 'drizzle-orm';
import { DEFAULT_ORG } from '../auth/actor.ts';
import type { Db } from '../store/db.ts';
import { calls, campaignHours, campaigns, customTargets, legs, targetCounts, targetHours } from '../store/schema.ts';
import { CampaignSettings } from '../campaigns/settings.ts';

export interface SampleOptions {
  /** The campaign to create (it must not exist yet). */
  campaignId: string;
  /** The organisation it belongs to (it must exist); `default` unless given. */
  orgId?: string;
  calls: number;
  /** Offices in the campaign's own list; each call dials four or five of them. */
  targets?: number;
  /** First call's time; calls are spread over `days` from here. */
  start?: Date;
  days?: number;
}

/**
 * Fills the store with a campaign's worth of finished calls, in a few set-based statements, then builds
 * the rollups from the legs the way the call path bumps them. The pattern repeats every 20 calls: 19 are
 * answered, of which calls 0–3 dial five offices and the rest four, so 250,000 calls make exactly
 * 1,000,000 legs. Call `i` starts `i × 2654435761 mod (days × 86400)` seconds after `start` (spread over
 * every hour of every day). Meant for benchmarks and tests; it writes no phone numbers.
 */
export async function generateSampleData(db: Db, options: SampleOptions): Promise<void> {
  const { campaignId, targets = 540, start = new Date('2025-03-01T00:00:00Z'), days = 28 } = options;
  const span = days * 86_400;
  await db.transaction(async (tx) => {
    await tx.insert(campaigns).values({
      id: campaignId,
      orgId: options.orgId ?? DEFAULT_ORG,
      name: `Sample campaign (${options.calls} calls)`,
      status: 'active',
      settings: CampaignSettings.parse({ targets: {} }),
    });
    await tx.execute(sql`
      insert into ${customTargets} (campaign_id, id, position, name, title, phone)
      select ${campaignId}, 't' || k, k, 'Office ' || k, 'Rep.', '+1202555' || lpad((k % 10000)::text, 4, '0')
      from generate_series(0, ${targets - 1}) k`);
    const callId = sql`${`sample-${campaignId}-`} || i`;
    const startedAt = sql`${start.toISOString()}::timestamptz + make_interval(secs => (i::bigint * 2654435761) % ${span})`;
    const lastPosition = sql`case when i % 20 < 4 then 4 else 3 end`;
    const target = sql`(i * 3 + p) % ${targets}`;
    await tx.execute(sql`
      insert into ${calls} (id, campaign_id, status, phone_hash, zip, targets, twilio_sid, created_at, updated_at, answered_at, ended_at, duration)
      select ${callId}, ${campaignId}, case when i % 20 = 19 then 'no-answer' else 'completed' end,
        md5(${callId}), lpad((i % 99999)::text, 5, '0'),
        (select jsonb_agg(jsonb_build_object('id', 't' || ${target}, 'name', 'Office ' || ${target}, 'title', 'Rep.', 'phone', '+12025550100') order by p)
           from generate_series(0, ${lastPosition}) p),
        'CA' || md5(${callId}), t, t, case when i % 20 = 19 then null else t + interval '10 seconds' end, t + interval '5 minutes', 300
      from generate_series(0, ${options.calls - 1}) i, lateral (select ${startedAt}) as at(t)`);
    // Outcome by (i × 31 + p × 17) mod 20: 14 in 20 completed, 2 busy, 2 no answer, 1 failed, 1 skipped;
    // call 18 of every 20 reaches nobody (every office rings out), so not every caller reached converts.
    await tx.execute(sql`
      insert into ${legs} (call_id, position, campaign_id, target_id, status, duration, created_at, updated_at)
      select ${callId}, p, ${campaignId}, 't' || ${target}, outcome,
        case when outcome = 'completed' then 30 + (i * 13 + p * 7) % 240 else 0 end, t, t
      from generate_series(0, ${options.calls - 1}) i,
        lateral (select ${startedAt}) as at(t),
        lateral generate_series(0, ${lastPosition}) p,
        lateral (select case when i % 20 = 18 then 'no-answer' else case (i * 31 + p * 17) % 20 when 14 then 'busy' when 15 then 'busy' when 16 then 'no-answer'
          when 17 then 'no-answer' when 18 then 'failed' when 19 then 'canceled' else 'completed' end end) as result(outcome)
      where i % 20 <> 19`);
    await rebuildRollups(tx, campaignId);
  });
  // As autovacuum would after a bulk load: planner statistics, and the visibility map index-only scans need.
  await db.execute(sql`vacuum analyze ${calls}, ${legs}, ${targetCounts}, ${targetHours}, ${campaignHours}`);
}

/**
 * Recomputes a campaign's rollups (per target, per target and hour, per hour, each call's completed
 * legs) from its recorded legs: what the call path's bumps add up to.
 */
export async function rebuildRollups(db: Db, campaignId: string): Promise<void> {
  const finished = sql`l.campaign_id = ${campaignId} and l.status not in ('ringing', 'in-progress')`;
  const tallies = sql`count(*), count(*) filter (where l.status in ('completed', 'answered')),
    count(*) filter (where l.status = 'busy'), count(*) filter (where l.status = 'no-answer'),
    count(*) filter (where l.status = 'failed'), coalesce(sum(l.duration), 0)`;
  const columns = sql.raw('legs, completed, busy, no_answer, failed, talk_seconds');
  for (const table of [targetCounts, targetHours, campaignHours]) await db.delete(table).where(eq(table.campaignId, campaignId));
  await db.execute(sql`
    insert into ${targetCounts} (campaign_id, target_id, name, ${columns})
    select ${campaignId}, l.target_id, min(c.targets -> l.position ->> 'name'), ${tallies}
    from ${legs} l join ${calls} c on c.id = l.call_id where ${finished} group by l.target_id`);
  await db.execute(sql`
    insert into ${targetHours} (campaign_id, hour, target_id, ${columns})
    select ${campaignId}, date_trunc('hour', c.created_at, 'UTC'), l.target_id, ${tallies}
    from ${legs} l join ${calls} c on c.id = l.call_id where ${finished} group by 2, 3`);
  await db.execute(sql`
    insert into ${campaignHours} (campaign_id, hour, ${columns})
    select ${campaignId}, hour, sum(legs), sum(completed), sum(busy), sum(no_answer), sum(failed), sum(talk_seconds)
    from ${targetHours} where campaign_id = ${campaignId} group by hour`);
  await db.execute(sql`
    update ${calls} c set completed_legs = (
      select count(*) from ${legs} l where l.call_id = c.id and l.status in ('completed', 'answered'))
    where c.campaign_id = ${campaignId}`);
}
