import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { calls, campaignHours, legs, targetCounts, targetHours } from '../store/schema.ts';
import { publicTarget, type Target } from '../targets/target.ts';
import { recordEvent } from '../webhooks/events.ts';

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
  return db.select().from(legs).where(eq(legs.callId, callId)).orderBy(asc(legs.position));
}

/** The call as the widget and `GET /api/calls/:id` see it: no phone numbers, no internals. */
export function callView(call: Call, callLegs: Leg[]) {
  const ended = isFinal(call.status);
  return {
    id: call.id,
    status: call.status,
    /** What the phone is doing (calls/phase.ts); `phaseLeg` is the office it is about. */
    phase: ended ? 'ended' : call.phase,
    ...(!ended && call.phaseLeg !== null ? { phaseLeg: call.phaseLeg } : {}),
    optedIn: call.optedIn,
    legs: callLegs.map(legView),
    targets: call.targets.map(publicTarget),
    ...(call.errorCode ? { error: { code: call.errorCode, message: call.errorMessage } } : {}),
  };
}
export type CallView = ReturnType<typeof callView>;

export const legView = ({ targetId, status, duration, outcome }: Leg) => ({ targetId, status, duration, outcome });

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
    const [existing] = await tx.select().from(legs).where(and(eq(legs.callId, call.id), eq(legs.position, position)));
    return existing?.outcome ? existing : undefined;
  });
}

/**
 * Moves a call forward to `status` (from a Twilio status callback); ignores stale or repeated ones.
 * A final status forgets the caller's number: the call no longer needs it.
 */
export async function advanceCallStatus(db: Db, id: string, status: string, duration?: number): Promise<boolean> {
  const rank = STATUS_RANK[status];
  if (rank === undefined) return false;
  const earlier = Object.keys(STATUS_RANK).filter((other) => STATUS_RANK[other]! < rank);
  if (!earlier.length) return false;
  const final = rank === 3;
  const answered = status === 'in-progress' || (status === 'completed' && Boolean(duration));
  const advance = (tx: Db) =>
    tx
      .update(calls)
      .set({
        status: status === 'initiated' ? 'queued' : status,
        updatedAt: sql`now()`,
        ...(answered ? { answeredAt: sql`coalesce(${calls.answeredAt}, now())` } : {}),
        ...(final ? { endedAt: sql`now()`, phone: null, duration: duration ?? null } : {}),
      })
      .where(and(eq(calls.id, id), inArray(calls.status, earlier)))
      .returning();
  return final ? endCall(db, id, advance) : (await advance(db)).length > 0;
}

/**
 * Notes Twilio's sid for our call from one of its callbacks, if we never stored it: the process that
 * placed the call may have died before it could (then a retry must not take another call for this one).
 */
export async function recordSid(db: Db, id: string, twilioSid: string): Promise<void> {
  await db
    .update(calls)
    .set({ twilioSid })
    .where(and(eq(calls.id, id), isNull(calls.twilioSid)))
    .catch((error: { cause?: { code?: string } }) => {
      if (error.cause?.code !== '23505') throw error; // that sid is already another call's: leave it
    });
}

/** Ends a call that could not be placed, with a reason the caller can read. */
export async function failCall(db: Db, id: string, code: string, message: string): Promise<void> {
  await endCall(db, id, (tx) =>
    tx
      .update(calls)
      .set({ status: 'failed', errorCode: code, errorMessage: message, phone: null, endedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(calls.id, id), notInArray(calls.status, [...FINAL_CALL_STATUSES])))
      .returning(),
  );
}

/**
 * Runs `end` (an update that gives a call its final status and forgets the number) with the call's
 * `call.completed` webhook event, in one transaction. The number is read first: a campaign may have
 * opted in to receiving it with the event.
 */
async function endCall(db: Db, id: string, end: (tx: Db) => Promise<Call[]>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [held] = await tx.select({ phone: calls.phone }).from(calls).where(eq(calls.id, id)).for('update');
    const [ended] = await end(tx);
    if (ended) await recordEvent(tx, { type: 'call.completed', call: { ...ended, phone: held?.phone ?? null } });
    return Boolean(ended);
  });
}

/** Notes that target `position` is being dialed (TwiML served); repeated webhooks change nothing. */
export async function startLeg(db: Db, call: Call, position: number): Promise<void> {
  await db
    .insert(legs)
    .values({ callId: call.id, position, campaignId: call.campaignId, targetId: call.targets[position]!.id, status: 'ringing' })
    .onConflictDoNothing();
}

/** The office picked up (the <Number> status callback). */
export async function markLegAnswered(db: Db, callId: string, position: number): Promise<boolean> {
  const updated = await db
    .update(legs)
    .set({ status: 'in-progress', updatedAt: sql`now()` })
    .where(and(eq(legs.callId, callId), eq(legs.position, position), eq(legs.status, 'ringing')))
    .returning({ callId: legs.callId });
  return updated.length > 0;
}

/**
 * Records the Dial action's outcome for one leg and bumps the target's tallies, exactly once:
 * the leg only leaves a live status once, and the tally is bumped in the same transaction.
 * Returns whether this request was the one that recorded it.
 */
export async function finishLeg(db: Db, call: Call, position: number, status: DialCallStatus, duration: number): Promise<boolean> {
  const target = call.targets[position]!;
  return db.transaction(async (tx) => {
    const recorded = await tx
      .insert(legs)
      .values({ callId: call.id, position, campaignId: call.campaignId, targetId: target.id, status, duration })
      .onConflictDoUpdate({
        target: [legs.callId, legs.position],
        set: { status, duration, updatedAt: sql`now()` },
        setWhere: inArray(legs.status, LIVE_LEG_STATUSES),
      })
      .returning({ callId: legs.callId });
    if (!recorded.length) return false;
    await bumpTargetCounts(tx, call, target, status, duration);
    await recordEvent(tx, { type: 'leg.completed', call, position });
    return true;
  });
}

/**
 * Bumps every rollup the stats read for one leg: the target's all-time tally, the target's and the
 * campaign's tallies for the hour the call started, and the call's completed legs. Runs in the
 * transaction that first records the leg, so duplicated or reordered webhooks never count twice.
 */
async function bumpTargetCounts(db: Db, call: Call, target: Target, status: DialCallStatus, duration: number) {
  const increments = {
    legs: 1,
    completed: status === 'completed' || status === 'answered' ? 1 : 0,
    busy: status === 'busy' ? 1 : 0,
    noAnswer: status === 'no-answer' ? 1 : 0,
    failed: status === 'failed' ? 1 : 0,
    talkSeconds: duration,
  };
  const plus = (table: typeof targetCounts | typeof targetHours | typeof campaignHours) =>
    Object.fromEntries(Object.entries(increments).map(([key, by]) => [key, sql`${table[key as keyof typeof increments]} + ${by}`]));
  const { campaignId } = call;
  const hour = startOfHour(call.createdAt);
  await db
    .insert(targetCounts)
    .values({ campaignId, targetId: target.id, name: target.name, ...increments })
    .onConflictDoUpdate({ target: [targetCounts.campaignId, targetCounts.targetId], set: plus(targetCounts) });
  await db
    .insert(targetHours)
    .values({ campaignId, hour, targetId: target.id, ...increments })
    .onConflictDoUpdate({ target: [targetHours.campaignId, targetHours.hour, targetHours.targetId], set: plus(targetHours) });
  await db
    .insert(campaignHours)
    .values({ campaignId, hour, ...increments })
    .onConflictDoUpdate({ target: [campaignHours.campaignId, campaignHours.hour], set: plus(campaignHours) });
  if (increments.completed) {
    await db.update(calls).set({ completedLegs: sql`${calls.completedLegs} + 1` }).where(eq(calls.id, call.id));
  }
}

const HOUR_MS = 3_600_000;
const startOfHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
