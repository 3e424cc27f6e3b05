import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, param, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { calls, legs } from '../store/schema.ts';
import { type CampaignStats, hourRange, type StatsQuery, within } from './stats.ts';

/** Calls read per query while streaming the log: memory stays flat however long the campaign. */
const PAGE = 2000;

/**
 * Rows as CSV. A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed
 * with `'` (https://owasp.org/www-community/attacks/CSV_Injection); a cell holding `;` is quoted, since
 * Excel in locales with a decimal comma splits on it; the header starts with a byte order mark so
 * Excel reads UTF-8.
 */
const csv = (rows: unknown[][], header?: string[]) =>
  stringify(rows, { escape_formulas: true, quoted_match: ';', bom: Boolean(header), header: Boolean(header), columns: header });

const TARGET_COLUMNS = [
  'target_id',
  'name',
  'legs',
  'completed',
  'busy',
  'no_answer',
  'failed',
  'canceled',
  'talk_seconds',
  'average_seconds',
  'spoke',
  'voicemail',
  'unavailable',
];

/** The per-target table of `campaignStats`, as downloaded, with the outcomes supporters reported. */
export function targetsCsv({ targets }: CampaignStats): string {
  const rows = targets.map((t) => [
    t.id,
    t.name,
    t.legs,
    t.completed,
    t.busy,
    t.noAnswer,
    t.failed,
    t.canceled,
    t.talkSeconds,
    t.averageDuration,
    t.outcomes.spoke,
    t.outcomes.voicemail,
    t.outcomes.unavailable,
  ]);
  return csv(rows, TARGET_COLUMNS);
}

const OFFICE_COLUMNS = ['target_id', 'name', 'office_phone', 'office', 'legs', 'completed', 'busy', 'no_answer', 'failed', 'canceled'];

/**
 * Each target's offices (all time), as downloaded: how often each was dialed and answered, busy or did
 * not answer. Office numbers are public ones; never a supporter's.
 */
export function officesCsv({ targets }: CampaignStats): string {
  const rows = targets.flatMap((t) => t.offices.map((o) => [t.id, t.name, o.phone, o.office ?? '', o.legs, o.completed, o.busy, o.noAnswer, o.failed, o.canceled]));
  return csv(rows, OFFICE_COLUMNS);
}

const CALL_COLUMNS = [
  'call_id',
  'started_at',
  'answered_at',
  'ended_at',
  'direction',
  'status',
  'zip',
  'district',
  'duration_seconds',
  'legs',
  'completed_legs',
  'outcomes',
  'ref',
  'meta',
];

const iso = (at: Date | null) => at?.toISOString() ?? '';

/**
 * The call log, oldest first, one chunk per page of calls: ids, times, outcome, each office's Dial
 * result, the referral code and the page metadata (as JSON), never a phone number (calls keep only a
 * keyed hash once they end).
 */
export async function* callLogCsv(db: Db, campaignId: string, query: StatsQuery): AsyncGenerator<string> {
  const conditions = [eq(calls.campaignId, campaignId), ...within(calls.createdAt, hourRange(query))];
  yield csv([], CALL_COLUMNS);
  // Keyset paging on (created_at, id); the cursor keeps the store's microseconds, which a Date would round.
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const page = await db
      .select({
        id: calls.id,
        cursor: sql<string>`${calls.createdAt}::text`,
        createdAt: calls.createdAt,
        answeredAt: calls.answeredAt,
        endedAt: calls.endedAt,
        direction: calls.direction,
        status: calls.status,
        zip: calls.zip,
        district: calls.district,
        duration: calls.duration,
        completedLegs: calls.completedLegs,
        ref: calls.ref,
        meta: calls.meta,
        names: sql<string[]>`jsonb_path_query_array(${calls.targets}, '$[*].name')`,
      })
      .from(calls)
      // The plain `>=` lets the index seek to the page; the row comparison breaks ties on the id.
      .where(and(...conditions, after && sql`${calls.createdAt} >= ${after.at}::timestamptz and (${calls.createdAt}, ${calls.id}) > (${after.at}::timestamptz, ${after.id})`))
      .orderBy(asc(calls.createdAt), asc(calls.id))
      .limit(PAGE);
    if (!page.length) return;
    const dialed = await db
      .select({ callId: legs.callId, position: legs.position, targetId: legs.targetId, status: legs.status, duration: legs.duration })
      .from(legs)
      // One array parameter rather than thousands: the plan is an index scan either way, the binding is not.
      .where(sql`${legs.callId} = any(${param(page.map((call) => call.id))}::text[])`)
      .orderBy(asc(legs.callId), asc(legs.position));
    const legsOf = new Map<string, typeof dialed>();
    for (const leg of dialed) legsOf.set(leg.callId, [...(legsOf.get(leg.callId) ?? []), leg]);
    yield csv(
      page.map((call) => {
        const callLegs = legsOf.get(call.id) ?? [];
        const outcomes = callLegs.map(({ position, targetId, status, duration }) => {
          const name = call.names[position] ?? targetId;
          return `${name} (${targetId}): ${status}${duration ? ` ${duration}s` : ''}`;
        });
        return [
          call.id,
          iso(call.createdAt),
          iso(call.answeredAt),
          iso(call.endedAt),
          call.direction,
          call.status,
          call.zip ?? '',
          call.district ?? '',
          call.duration ?? '',
          callLegs.length,
          call.completedLegs,
          outcomes.join('; '),
          call.ref ?? '',
          call.meta ? JSON.stringify(call.meta) : '',
        ];
      }),
    );
    const last = page.at(-1)!;
    after = { at: last.cursor, id: last.id };
  }
}
