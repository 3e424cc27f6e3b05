import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, getTableColumns, inArray, isNotNull, isNull, lt, notInArray, or, type Placeholder, type SQL, sql, type WithSubquery } from 'drizzle-orm';
import { type AnyPgColumn, getTableConfig } from 'drizzle-orm/pg-core';
import { type Campaign, findCampaign } from '../campaigns/campaigns.ts';
import type { Db } from '../store/db.ts';
import { prepared } from '../store/prepared.ts';
import { calls, campaignHours, campaigns, legs, officeCounts, targetCounts, targetHours } from '../store/schema.ts';
import { officeAt, publicTarget, type Target } from '../targets/target.ts';
import { recordEvent, wantsEvent } from '../webhooks/events.ts';
import { phaseColumns, type PhaseStep } from './phase.ts';

export type Call = typeof calls.$inferSelect;
export type Leg = typeof legs.$inferSelect;

export const FINAL_CALL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
const LIVE_LEG_STATUSES = ['ringing', 'in-progress'];
export const DIAL_CALL_STATUSES = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type DialCallStatus = (typeof DIAL_CALL_STATUSES)[number];

/**
 * Twilio's call statuses in the order a call moves through them. Callbacks may arrive late,
 * twice or out of order, so a status is only ever replaced by a later one.
 */
const STATUS_RANK: Record<string, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  'in-progress': 2,
  ...Object.fromEntries(FINAL_CALL_STATUSES.map((status) => [status, 3])),
};

export const isFinal = (status: string) => STATUS_RANK[status] === 3;

/** 128 random bits: the call id is the only key webhooks and the widget hold. */
export const newCallId = () => randomBytes(16).toString('base64url');

export async function insertCall(db: Db, values: typeof calls.$inferInsert): Promise<Call> {
  const [call] = await db.insert(calls).values(values).returning();
  return call!;
}

export async function findCall(db: Db, id: string): Promise<Call | undefined> {
  const [call] = await db.select().from(calls).where(eq(calls.id, id));
  return call;
}

/** A call with its campaign, in one read: every TwiML webhook needs both to answer. */
export async function findCallWithCampaign(db: Db, id: string): Promise<{ call: Call; campaign: Campaign } | undefined> {
  const statement = prepared(db, 'call_with_campaign', (name) =>
    db
      .select({ call: calls, campaign: campaigns })
      .from(calls)
      .innerJoin(campaigns, eq(campaigns.id, calls.campaignId))
      .where(eq(calls.id, sql.placeholder('id')))
      .prepare(name),
  );
  const [found] = await statement.execute({ id });
  return found;
}

/**
 * A call with its campaign and whether its leg `position` (on office `attempt`) has ended, in one read: a
 * Dial action's replay (Twilio retries) then needs no write at all.
 */
export async function findCallForDialAction(db: Db, id: string, position: number, attempt = 0): Promise<{ call: Call; campaign: Campaign; legEnded: boolean } | undefined> {
  const statement = prepared(db, 'call_for_dial_action', (name) =>
    db
      .select({ call: calls, campaign: campaigns, legStatus: legs.status })
      .from(calls)
      .innerJoin(campaigns, eq(campaigns.id, calls.campaignId))
      .leftJoin(legs, and(eq(legs.callId, calls.id), eq(legs.position, sql.placeholder('position')), eq(legs.attempt, sql.placeholder('attempt'))))
      .where(eq(calls.id, sql.placeholder('id')))
      .prepare(name),
  );
  const [found] = await statement.execute({ id, position, attempt });
  return found && { call: found.call, campaign: found.campaign, legEnded: found.legStatus !== null && !LIVE_LEG_STATUSES.includes(found.legStatus) };
}

/** The campaign a call belongs to. */
async function campaignOfCall(db: Db, id: string): Promise<Campaign | undefined> {
  const statement = prepared(db, 'campaign_of_call', (name) =>
    db
      .select(getTableColumns(campaigns))
      .from(campaigns)
      .innerJoin(calls, eq(calls.campaignId, campaigns.id))
      .where(eq(calls.id, sql.placeholder('id')))
      .prepare(name),
  );
  const [campaign] = await statement.execute({ id });
  return campaign;
}

export async function findCallBySid(db: Db, twilioSid: string): Promise<Call | undefined> {
  const [call] = await db.select().from(calls).where(eq(calls.twilioSid, twilioSid));
  return call;
}

/**
 * A supporter rang a call-in number: one call row per Twilio CallSid, so a retried webhook finds
 * the same call. The number is not kept (we never dial it back), only its keyed hash.
 */
export async function openInboundCall(db: Db, values: { campaignId: string; twilioSid: string; phoneHash: string; targets: Target[] }): Promise<Call> {
  return db.transaction(async (tx) => {
    const [opened] = await tx
      .insert(calls)
      .values({ ...values, id: newCallId(), direction: 'inbound', status: 'in-progress', answeredAt: sql`now()` })
      .onConflictDoNothing({ target: calls.twilioSid })
      .returning();
    if (opened) await recordEvent(tx, { type: 'call.started', call: opened });
    return opened ?? (await findCallBySid(tx, values.twilioSid))!;
  });
}

/** Call-in: the targets found once the caller keyed in their ZIP (and district). */
export async function setCallTargets(db: Db, id: string, values: { targets: Target[]; zip: string; district?: string }): Promise<Call> {
  const [call] = await db
    .update(calls)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(calls.id, id))
    .returning();
  return call!;
}

export async function legsOf(db: Db, callId: string): Promise<Leg[]> {
  return db.select().from(legs).where(eq(legs.callId, callId)).orderBy(asc(legs.position), asc(legs.attempt));
}

/** Each target's latest leg (`legs` in order, as `legsOf` reads them): the office it is on, or ended at. */
const latestLegs = (callLegs: Leg[]) => callLegs.filter((leg, i) => callLegs[i + 1]?.position !== leg.position);

/**
 * The call as the widget and `GET /api/calls/:id` see it: no phone numbers, no internals. One leg per
 * target dialed, its latest office: a fallback office says which (`attempt`, `office`).
 */
export function callView(call: Call, callLegs: Leg[]) {
  const ended = isFinal(call.status);
  return {
    id: call.id,
    status: call.status,
    /** What the phone is doing (calls/phase.ts); `phaseLeg` is the office it is about. */
    phase: ended ? 'ended' : call.phase,
    ...(!ended && call.phaseLeg !== null ? { phaseLeg: call.phaseLeg } : {}),
    optedIn: call.optedIn,
    legs: latestLegs(callLegs).map(legView),
    targets: call.targets.map(publicTarget),
    ...(call.errorCode ? { error: { code: call.errorCode, message: call.errorMessage } } : {}),
  };
}
export type CallView = ReturnType<typeof callView>;

export const legView = ({ targetId, status, duration, outcome, attempt, office }: Leg) => ({ targetId, status, duration, outcome, ...(attempt ? { attempt, office } : {}) });

/** What a supporter says happened on a leg the office answered: by keypad (1, 2, 3) or in the widget. */
export const OUTCOMES = ['spoke', 'voicemail', 'unavailable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Stores a leg's outcome, once: the first report wins (keypad or widget, whichever comes first) and
 * bumps the office's tally in the same transaction. Only a leg the office answered has an outcome.
 * Returns the leg, or undefined when there is no such leg or it has not ended answered.
 */
export async function recordOutcome(db: Db, call: Call, position: number, outcome: Outcome): Promise<Leg | undefined> {
  return db.transaction(async (tx) => {
    const [recorded] = await tx
      .update(legs)
      .set({ outcome, updatedAt: sql`now()` })
      .where(and(eq(legs.callId, call.id), eq(legs.position, position), isNull(legs.outcome), inArray(legs.status, ['completed', 'answered'])))
      .returning();
    if (recorded) {
      const column = targetCounts[outcome];
      await tx
        .update(targetCounts)
        .set({ [outcome]: sql`${column} + 1` })
        .where(and(eq(targetCounts.campaignId, call.campaignId), eq(targetCounts.targetId, recorded.targetId)));
      return recorded;
    }
    const [existing] = await tx.select().from(legs).where(and(eq(legs.callId, call.id), eq(legs.position, position), isNotNull(legs.outcome)));
    return existing;
  });
}

/**
 * Moves a call forward to `status` (from a Twilio status callback); ignores stale or repeated ones.
 * A final status forgets the caller's number: the call no longer needs it. `twilioSid`, the callback's
 * CallSid, is noted if we never stored one: the process that placed the call may have died before it
 * could (then a retry must not take another call for this one).
 */
export async function advanceCallStatus(db: Db, id: string, status: string, duration?: number, twilioSid?: string): Promise<boolean> {
  const rank = STATUS_RANK[status];
  // Nothing comes before `queued`: such a callback can only bring the sid.
  if (rank === undefined || (rank === 0 && !twilioSid)) return false;
  const advance = async (tx: Db) => {
    const [moved] = await statusStatement(tx, status, duration).execute({ id, sid: twilioSid ?? null, duration: duration ?? null });
    return moved;
  };
  try {
    return isFinal(status) ? await endCall(db, id, advance) : Boolean(await advance(db));
  } catch (error) {
    if (!twilioSid || (error as { cause?: { code?: string } }).cause?.code !== '23505') throw error;
    return advanceCallStatus(db, id, status, duration); // that sid is already another call's: leave it
  }
}

/**
 * The statement behind `advanceCallStatus`, one per status (and whether it says the supporter answered).
 * It returns the call it moved, with the number the call held before a final status forgot it.
 */
function statusStatement(db: Db, status: string, duration?: number) {
  const answered = status === 'in-progress' || (status === 'completed' && Boolean(duration));
  return prepared(db, `advance_call_status:${status}${answered ? ':answered' : ''}`, (name) => {
    const earlier = Object.keys(STATUS_RANK).filter((other) => STATUS_RANK[other]! < STATUS_RANK[status]!);
    const id = sql.placeholder('id');
    const sid = sql.placeholder('sid');
    // Only a call this status moves is locked: a repeated callback must not queue behind the others.
    const held = heldNumber(db, id, inArray(calls.status, earlier));
    const advanced = db.$with('advanced').as(
      db
        .update(calls)
        .set({
          status: status === 'initiated' ? 'queued' : status,
          twilioSid: sql`coalesce(${calls.twilioSid}, ${sid})`,
          updatedAt: sql`now()`,
          ...(answered ? { answeredAt: sql`coalesce(${calls.answeredAt}, now())` } : {}),
          ...(isFinal(status) ? { endedAt: sql`now()`, phone: null, duration: sql`${sql.placeholder('duration')}` } : {}),
        })
        .from(held)
        .where(and(eq(calls.id, held.id), inArray(calls.status, earlier)))
        .returning(withHeldNumber(held)),
    );
    // Only for a call `advanced` leaves alone: one statement must not update a row twice.
    const noted = db.$with('noted').as(
      db
        .update(calls)
        .set({ twilioSid: sql`${sid}` })
        .where(and(eq(calls.id, id), isNull(calls.twilioSid), sql`${sid}::text is not null`, notInArray(calls.status, earlier))),
    );
    return db.with(advanced, noted).select().from(advanced).prepare(name);
  });
}

/** Ends a call that could not be placed, with a reason the caller can read; false if it had already ended. */
export async function failCall(db: Db, id: string, code: string, message: string): Promise<boolean> {
  return endCall(db, id, async (tx) => {
    const held = heldNumber(tx, id);
    const [ended] = await tx
      .update(calls)
      .set({ status: 'failed', errorCode: code, errorMessage: message, phone: null, endedAt: sql`now()`, updatedAt: sql`now()` })
      .from(held)
      .where(and(eq(calls.id, held.id), notInArray(calls.status, [...FINAL_CALL_STATUSES])))
      .returning(withHeldNumber(held));
    return ended;
  });
}

/** The caller's number as the call holds it, read (and locked) before the update that ends the call forgets it. */
const heldNumber = (db: Db, id: string | Placeholder, only?: SQL) =>
  db.select({ id: calls.id, phone: calls.phone }).from(calls).where(and(eq(calls.id, id), only)).for('update').as('held');

/** The updated call, but with the number it held: a campaign may have opted in to receiving it with `call.completed`. */
const withHeldNumber = (held: ReturnType<typeof heldNumber>) => ({ ...getTableColumns(calls), phone: held.phone });

/**
 * Runs `end` (an update that gives a call its final status and forgets the number, returning the call
 * with the number it held), with the call's `call.completed` webhook event in the same transaction if
 * the campaign wants one.
 */
async function endCall(db: Db, id: string, end: (tx: Db) => Promise<Call | undefined>): Promise<boolean> {
  const campaign = await campaignOfCall(db, id);
  if (!wantsEvent(campaign, 'call.completed')) return Boolean(await end(db));
  return db.transaction(async (tx) => {
    const ended = await end(tx);
    if (ended) await recordEvent(tx, { type: 'call.completed', call: ended, campaign });
    return Boolean(ended);
  });
}

/** The office picked up (the <Number> status callback). */
export async function markLegAnswered(db: Db, callId: string, position: number, attempt = 0): Promise<boolean> {
  const updated = await db
    .update(legs)
    .set({ status: 'in-progress', updatedAt: sql`now()` })
    .where(and(eq(legs.callId, callId), eq(legs.position, position), eq(legs.attempt, attempt), eq(legs.status, 'ringing')))
    .returning({ callId: legs.callId });
  return updated.length > 0;
}

/** A leg a Dial action ended (target `position`, its office `attempt`), with its DialCallStatus and DialCallDuration. */
export interface EndedLeg {
  position: number;
  attempt?: number;
  status: DialCallStatus;
  duration: number;
}

/** What one TwiML step writes (see `recordStep`). */
export interface StepWrites {
  /** The leg a Dial action ended. */
  finished?: EndedLeg;
  /** The leg the step starts dialing, and which of its target's offices (0: the first). */
  dialing?: number;
  attempt?: number;
  /** The phase the step starts. */
  phase?: PhaseStep;
}

/**
 * Records what one TwiML step does to a call, in one statement: the leg a Dial action ended, the leg the
 * step starts dialing, and the phase it starts. Webhooks may be retried, duplicated or reordered: a leg
 * leaves a live status only once, and its tallies are bumped by the statement that moves it, so it is
 * counted once; a phase only ever moves forward. When the campaign's webhook takes `leg.completed`, the
 * ended leg is recorded first, with its event, in a transaction of its own. `recorded`: this request
 * recorded the ended leg; `changed`: the widget has something new to show. `campaign` (the call's) saves a read.
 */
export async function recordStep(db: Db, call: Call, step: StepWrites, campaign?: Campaign): Promise<{ recorded: boolean; changed: boolean }> {
  const { finished, ...onwards } = step;
  // A retried or duplicated answer or gather: the call is at this step or past it, and the statement that
  // moved it there started the leg this step dials — the answer needs the read only. Not so for a leg that
  // ended: Twilio may deliver a later leg's Dial action first, so each is always recorded.
  const to = phaseColumns(step.phase).rank;
  if (!finished && to !== null && call.phaseRank >= to) return { recorded: false, changed: false };
  if (!finished) return writeStep(db, call, step);
  const owner = campaign ?? (await findCampaign(db, call.campaignId));
  if (!wantsEvent(owner, 'leg.completed')) return writeStep(db, call, step);
  // The event lists the call's legs as this one left them: record it, with its event, before the next is dialed.
  const recorded = await db.transaction(async (tx) => {
    const { recorded } = await writeStep(tx, call, { finished });
    if (recorded) await recordEvent(tx, { type: 'leg.completed', call, position: finished.position, attempt: finished.attempt, campaign: owner });
    return recorded;
  });
  const { changed } = await writeStep(db, call, onwards);
  return { recorded, changed: recorded || changed };
}

/** Notes that target `position` is being dialed; repeated webhooks change nothing. */
export async function startLeg(db: Db, call: Call, position: number): Promise<void> {
  await recordStep(db, call, { dialing: position });
}

/** Records a Dial action's result for one leg (see `recordStep`); returns whether this request was the one that recorded it. */
export async function finishLeg(db: Db, call: Call, position: number, status: DialCallStatus, duration: number, campaign?: Campaign): Promise<boolean> {
  return (await recordStep(db, call, { finished: { position, status, duration } }, campaign)).recorded;
}

/** Runs a step's writes as one statement (see `stepStatement`). */
async function writeStep(db: Db, call: Call, { finished, dialing, attempt = 0, phase }: StepWrites) {
  if (!finished && dialing === undefined && !phase) return { recorded: false, changed: false };
  const [row] = await stepStatement(db, Boolean(finished), dialing !== undefined).execute({
    id: call.id,
    campaignId: call.campaignId,
    ...phaseColumns(phase),
    ...(finished && endedLeg(call, finished)),
    ...(dialing !== undefined && dialingLeg(call, dialing, attempt)),
  });
  const recorded = row!.recorded > 0;
  return { recorded, changed: recorded || row!.moved > 0 || dialing !== undefined };
}

/** The rollups' counters (see `tallies` in schema.ts), each bumped by what one ended leg adds to it. */
const TALLIES = ['legs', 'completed', 'busy', 'noAnswer', 'failed', 'talkSeconds'] as const;

/** The step statement's values for the leg it starts dialing: the target and the office. */
function dialingLeg(call: Call, dialing: number, attempt: number) {
  const target = call.targets[dialing]!;
  const office = officeAt(target, attempt)!;
  return { dialing, dialingAttempt: attempt, dialingTarget: target.id, dialingPhone: office.phone, dialingOffice: office.office ?? null };
}

/** The step statement's values for an ended leg: the leg, its target and office, and what it adds to each tally. */
function endedLeg(call: Call, { position, attempt = 0, status, duration }: EndedLeg) {
  const target = call.targets[position]!;
  const office = officeAt(target, attempt)!;
  const tallies: Record<(typeof TALLIES)[number], number> = {
    legs: 1,
    completed: status === 'completed' || status === 'answered' ? 1 : 0,
    busy: status === 'busy' ? 1 : 0,
    noAnswer: status === 'no-answer' ? 1 : 0,
    failed: status === 'failed' ? 1 : 0,
    talkSeconds: duration,
  };
  // Rollups by hour go by the hour the call started, so every leg of a call lands in the same one.
  const hour = startOfHour(call.createdAt).toISOString();
  return { position, attempt, status, duration, targetId: target.id, targetName: target.name, phone: office.phone, office: office.office ?? null, hour, ...tallies };
}

/**
 * The statement behind `recordStep`, in the shape a step needs. The ended leg's writes chain on the row
 * `recorded` returns, which there is only when this statement stored the leg or moved it out of a live
 * status: then it bumps the target's all-time tally, the target's and the campaign's tallies for the hour,
 * and the call's completed legs. The call row is updated once (phase and completed legs together).
 */
function stepStatement(db: Db, finishing: boolean, dialing: boolean) {
  const name = ['record_step', finishing && 'finished', dialing && 'dialing'].filter(Boolean).join(':');
  return prepared(db, name, (name) => {
    const p = sql.placeholder;
    // A leg already ended is left alone before the insert is tried: ON CONFLICT would lock its row even to
    // change nothing, and every replay of the Dial action would queue behind the others. Two first
    // deliveries at once both try; ON CONFLICT's condition lets one of them record it.
    const live = sql.join(LIVE_LEG_STATUSES.map((status) => sql`${status}`), sql`, `);
    const column = (name: keyof typeof legs.$inferSelect) => sql.identifier(legs[name].name);
    const recorded = db.$with('recorded', { position: legs.position }).as(
      sql`insert into ${legs} (${sql.join((['callId', 'position', 'attempt', 'campaignId', 'targetId', 'phone', 'office', 'status', 'duration'] as const).map(column), sql`, `)})
        select ${p('id')}, ${p('position')}, ${p('attempt')}, ${p('campaignId')}, ${p('targetId')}, ${p('phone')}, ${p('office')}, ${p('status')}, ${p('duration')}
        where not exists (select 1 from ${legs} where ${legs.callId} = ${p('id')} and ${legs.position} = ${p('position')} and ${legs.attempt} = ${p('attempt')} and ${legs.status} not in (${live}))
        on conflict (${column('callId')}, ${column('position')}, ${column('attempt')}) do update
          set ${sql.identifier(legs.status.name)} = excluded.${sql.identifier(legs.status.name)}, ${sql.identifier(legs.duration.name)} = excluded.${sql.identifier(legs.duration.name)}, ${sql.identifier(legs.updatedAt.name)} = now()
          where ${legs.status} in (${live})
        returning ${legs.position}`,
    );
    const hour = sql`${p('hour')}::timestamptz`;
    const tallied = [
      db.$with('target_tallied', {}).as(addTo(targetCounts, { campaignId: p('campaignId'), targetId: p('targetId'), name: p('targetName') }, recorded)),
      db.$with('office_tallied', {}).as(addTo(officeCounts, { campaignId: p('campaignId'), targetId: p('targetId'), phone: p('phone'), office: p('office') }, recorded)),
      db.$with('target_hour_tallied', {}).as(addTo(targetHours, { campaignId: p('campaignId'), hour, targetId: p('targetId') }, recorded)),
      db.$with('campaign_hour_tallied', {}).as(addTo(campaignHours, { campaignId: p('campaignId'), hour }, recorded)),
    ];
    const started = db.$with('started').as(
      db
        .insert(legs)
        .values({
          callId: p('id'),
          position: p('dialing'),
          attempt: p('dialingAttempt'),
          campaignId: p('campaignId'),
          targetId: p('dialingTarget'),
          phone: p('dialingPhone'),
          office: p('dialingOffice'),
          status: 'ringing',
        })
        .onConflictDoNothing(),
    );
    const onwards = lt(calls.phaseRank, p('rank'));
    const ifOnwards = (column: AnyPgColumn, to: Placeholder) => sql`case when ${onwards} then ${to} else ${column} end`;
    /** 1 if this statement recorded a completed leg. */
    const converted = sql`(${p('completed')}::int * (select count(*)::int from ${recorded}))`;
    const moved = db.$with('moved').as(
      db
        .update(calls)
        .set({
          phase: ifOnwards(calls.phase, p('phase')),
          phaseLeg: ifOnwards(calls.phaseLeg, p('phaseLeg')),
          phaseRank: sql`greatest(${calls.phaseRank}, ${p('rank')})`,
          ...(finishing ? { completedLegs: sql`${calls.completedLegs} + ${converted}` } : {}),
          updatedAt: sql`now()`,
        })
        .where(and(eq(calls.id, p('id')), finishing ? or(onwards, sql`${converted} > 0`) : onwards))
        .returning({ id: calls.id }),
    );
    return db
      .with(...(finishing ? [recorded, ...tallied] : []), ...(dialing ? [started] : []), moved)
      .select({ moved: count(), recorded: (finishing ? sql`(select count(*) from ${recorded})` : sql`0`).mapWith(Number) })
      .from(moved)
      .prepare(name);
  });
}

/**
 * Adds the leg `recorded` returns, if it returns one, to a rollup's row for `key` (made at zero if need be),
 * by the step's placeholders named after the tallies.
 */
function addTo(rollup: typeof targetCounts | typeof officeCounts | typeof targetHours | typeof campaignHours, key: Record<string, SQL | Placeholder>, recorded: WithSubquery): SQL {
  const columns: Record<string, AnyPgColumn> = getTableColumns(rollup);
  const named = (keys: readonly string[]) => sql.join(keys.map((key) => sql.identifier(columns[key]!.name)), sql`, `);
  const row = getTableConfig(rollup).primaryKeys[0]!.columns.map((column) => sql.identifier(column.name));
  const bumps = TALLIES.map((tally) => sql`${sql.identifier(columns[tally]!.name)} = ${columns[tally]} + excluded.${sql.identifier(columns[tally]!.name)}`);
  return sql`insert into ${rollup} (${named([...Object.keys(key), ...TALLIES])})
    select ${sql.join([...Object.values(key), ...TALLIES.map((tally) => sql.placeholder(tally))], sql`, `)} from ${recorded}
    on conflict (${sql.join(row, sql`, `)}) do update set ${sql.join(bumps, sql`, `)}`;
}

const HOUR_MS = 3_600_000;
const startOfHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
