import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, json, jsonb, pgTable, primaryKey, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CampaignSettings } from '../campaigns/settings.ts';
import type { Target } from '../targets/target.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** The counters every leg rollup keeps: dials, their Dial results, and talk time. */
const tallies = () => ({
  legs: integer('legs').notNull().default(0),
  completed: integer('completed').notNull().default(0),
  busy: integer('busy').notNull().default(0),
  noAnswer: integer('no_answer').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  talkSeconds: integer('talk_seconds').notNull().default(0),
});

/**
 * An organisation: owns campaigns, blocklist entries, keys and members, and may bring its own Twilio
 * account. `default` holds everything a single-organisation deployment had before organisations.
 */
export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Its own Twilio account (unset: the server's). The secrets are sealed with SECRET_KEY and never sent back. */
  twilioAccountSid: text('twilio_account_sid'),
  /** AES-256-GCM of `{ authToken, apiKeySid?, apiKeySecret? }`. */
  twilioSealed: text('twilio_sealed'),
  twilioCallerId: text('twilio_caller_id'),
  /** Calls per second its account allows. */
  twilioCps: real('twilio_cps'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A person who signs in to the dashboard; what they may do is per organisation (`memberships`). */
export const members = pgTable('members', {
  id: text('id').primaryKey(),
  /** Lower-cased. */
  email: text('email').notNull().unique(),
  name: text('name').notNull().default(''),
  /** `scrypt$N$r$p$salt$hash` (server/auth/passwords.ts). */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A member's role in an organisation: owner, admin, editor or viewer. */
export const memberships = pgTable(
  'memberships',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.memberId] }), index('memberships_member_idx').on(t.memberId)],
);

/** A signed-in browser. Only the token's hash is kept: a copy of the store signs nobody in. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** Sent by the dashboard with every change (`X-CSRF-Token`); a cross-site form cannot read it. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_member_idx').on(t.memberId)],
);

/** An invitation to join an organisation with a role: a link shown to the inviter (no mail server is assumed). */
export const invites = pgTable(
  'invites',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [index('invites_org_idx').on(t.orgId)],
);

/** A key for scripts and integrations: acts within its organisation with its role until revoked. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** SHA-256 of the secret (high-entropy, so a fast hash is enough); the secret itself is shown once. */
    secretHash: text('secret_hash').notNull().unique(),
    /** The secret's last characters, so a list can tell keys apart. */
    hint: text('hint').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_org_idx').on(t.orgId)],
);

/** Who (member, key or the operator) did what to which object, with the fields changed (never secrets or numbers). */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** operator | member | key */
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    /** The member's email or the key's name, as it was then. */
    actorLabel: text('actor_label').notNull(),
    /** `campaign.update`, `key.create`, … */
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    changes: jsonb('changes').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_events_org_idx').on(t.orgId, t.id)],
);

export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .default('default')
      .references(() => orgs.id),
    name: text('name').notNull(),
    /** active | paused | archived */
    status: text('status').notNull().default('active'),
    settings: jsonb('settings').$type<CampaignSettings>().notNull(),
    /** The campaign's call-in number (E.164): an inbound call to it runs this campaign. */
    callInNumber: text('call_in_number').unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('campaigns_org_idx').on(t.orgId, t.createdAt)],
);

/** A campaign's own list of people to call, in dialing order. */
export const customTargets = pgTable(
  'custom_targets',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    title: text('title').notNull().default(''),
    phone: text('phone').notNull(),
    extension: text('extension'),
    /** Routing, at most one of them: offered only to callers in this state, congressional district (`CA-12`) or ZIPs. */
    state: text('state'),
    district: text('district'),
    zips: text('zips').array(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.id] })],
);

/** One supporter's attempt: we ring them, then bridge them to each target in turn. */
export const calls = pgTable(
  'calls',
  {
    /** Unguessable: it is the only key webhooks and the widget hold. */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    /** `outbound`: we ring the supporter (the widget); `inbound`: they rang the call-in number. */
    direction: text('direction').notNull().default('outbound'),
    /** Twilio's call statuses, plus `queued` before the REST call is placed. */
    status: text('status').notNull().default('queued'),
    /** The caller's number, kept only while the call needs it (cleared when it ends). */
    phone: text('phone'),
    /** Keyed hash of the caller's number, for limits and counting without keeping the number. */
    phoneHash: text('phone_hash').notNull(),
    zip: text('zip'),
    district: text('district'),
    /** Targets resolved when the call was accepted, in dialing order. */
    targets: jsonb('targets').$type<Target[]>().notNull(),
    twilioSid: text('twilio_sid'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    dialAttempts: integer('dial_attempts').notNull().default(0),
    /** When the dial queue may next try to place this call. */
    dialAfter: timestamp('dial_after', { withTimezone: true }).notNull().defaultNow(),
    duration: integer('duration'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When the supporter picked up (a caller "reached"). */
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Legs that reached an office, bumped with the tallies: a call with one or more "converted". */
    completedLegs: integer('completed_legs').notNull().default(0),
    /** Referral code the widget passed (`?ref=`), broken out in stats and the public counter. */
    ref: text('ref'),
    /** Host-page metadata the widget passed (data-* attributes, `meta`), for the campaign's webhooks. */
    meta: jsonb('meta').$type<Record<string, string | number | boolean>>(),
    /** Placed by the call-again schedule rather than by the supporter. */
    scheduled: boolean('scheduled').notNull().default(false),
    /**
     * The widget asked to call this supporter again. Anyone can type any number, so it becomes an
     * opt-in only when the person who answers presses 1 (see the gate in routes/twiml.ts).
     */
    callAgainRequested: boolean('call_again_requested').notNull().default(false),
    /** The supporter confirmed call-again on this call (1 at the gate after the widget's box, or 1 at the offer). */
    optedIn: boolean('opted_in').notNull().default(false),
    /** The language the widget asked for: the phone speaks it (unset: the campaign's). */
    lang: text('lang'),
    /** What the phone is doing now (see calls/phase.ts), so the widget shows the same step. */
    phase: text('phase').notNull().default('calling'),
    /** The leg an `office` or `outcome` phase is about. */
    phaseLeg: integer('phase_leg'),
    /** The phase's place in the call: a retried or late webhook never moves the phase back. */
    phaseRank: integer('phase_rank').notNull().default(0),
  },
  (t) => [
    index('calls_campaign_ref_idx').on(t.campaignId, t.ref).where(sql`${t.ref} is not null`),
    // The stats' metadata breakdown reads only calls that carry some; most campaigns' calls carry none.
    index('calls_campaign_meta_idx').on(t.campaignId, t.createdAt).where(sql`${t.meta} is not null`),
    // Covers the stats' per-hour scan (calls started, callers reached, converted) without the wide rows.
    index('calls_campaign_stats_idx').on(t.campaignId, t.createdAt, t.answeredAt, t.completedLegs),
    uniqueIndex('calls_twilio_sid_idx').on(t.twilioSid),
    index('calls_dial_queue_idx').on(t.dialAfter).where(sql`${t.status} = 'queued' and ${t.twilioSid} is null`),
  ],
);

/** One office dialed within a call: a target's first office (attempt 0), or one it fell back to when that did not answer. */
export const legs = pgTable(
  'legs',
  {
    callId: text('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** 0 for the target's first office; 1, 2… for the offices tried after one was busy or did not answer. */
    attempt: integer('attempt').notNull().default(0),
    campaignId: text('campaign_id').notNull(),
    targetId: text('target_id').notNull(),
    /** The office's number (a public one, never a supporter's) and its name, when it has one ("district office in Burlington"). */
    phone: text('phone'),
    office: text('office'),
    /** `ringing`/`in-progress` while dialing, then Twilio's DialCallStatus. */
    status: text('status').notNull(),
    duration: integer('duration'),
    /** What the supporter reported (keypad or widget): spoke, voicemail or unavailable. */
    outcome: text('outcome'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.callId, t.position, t.attempt] }),
    index('legs_campaign_target_idx').on(t.campaignId, t.targetId),
    // Each office's recent answers, across campaigns: offices that keep not answering are tried later (targets/offices.ts).
    index('legs_phone_recent_idx').on(t.phone, t.createdAt),
  ],
);

/**
 * Per-target tallies, bumped in the same transaction that records a leg's final status,
 * so stats and the public counter read a few rows instead of scanning every leg.
 */
export const targetCounts = pgTable(
  'target_counts',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    targetId: text('target_id').notNull(),
    name: text('name').notNull(),
    ...tallies(),
    /** Outcomes supporters reported for this office's completed legs. */
    spoke: integer('spoke').notNull().default(0),
    voicemail: integer('voicemail').notNull().default(0),
    unavailable: integer('unavailable').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.targetId] })],
);

/** Per-office tallies (a target's offices, by number), bumped with `targetCounts`: which offices answer. */
export const officeCounts = pgTable(
  'office_counts',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    targetId: text('target_id').notNull(),
    phone: text('phone').notNull(),
    office: text('office'),
    ...tallies(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.targetId, t.phone] })],
);

/**
 * Per-target tallies by the hour their call started (UTC), bumped with `targetCounts`: stats for a
 * date range read these instead of every leg.
 */
export const targetHours = pgTable(
  'target_hours',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    targetId: text('target_id').notNull(),
    ...tallies(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.hour, t.targetId] })],
);

/** A campaign's leg tallies by the hour their call started (UTC), for the per-day and per-hour stats. */
export const campaignHours = pgTable(
  'campaign_hours',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    ...tallies(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.hour] })],
);

/** Server-wide values that must survive restarts (e.g. the generated hashing key). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Fixed-window counters for abuse limits, shared by every server process through the store.
 * `key` names what is limited (a caller's hash, an IP, a campaign, an office); old windows are swept.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limits_window_idx').on(t.windowStart)],
);

/** Callers (by keyed hash, never the number) and IP ranges that may not place calls. */
export const blocks = pgTable(
  'blocks',
  {
    id: serial('id').primaryKey(),
    /** Applies to this organisation's campaigns; `default`'s (the operator's) apply to every campaign. */
    orgId: text('org_id')
      .notNull()
      .default('default')
      .references(() => orgs.id, { onDelete: 'cascade' }),
    /** `phone` (value = keyed hash) or `ip` (value = an address or CIDR range). */
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    reason: text('reason').notNull().default(''),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('blocks_kind_value_idx').on(t.kind, t.value)],
);

/**
 * Supporters who asked to be called again. Their number is needed to ring them, so it is kept —
 * encrypted with a key derived from SECRET_KEY — until they opt out.
 */
export const supporters = pgTable(
  'supporters',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    phoneHash: text('phone_hash').notNull(),
    /** AES-256-GCM; null once they opt out. */
    phoneSealed: text('phone_sealed'),
    zip: text('zip'),
    district: text('district'),
    optedInAt: timestamp('opted_in_at', { withTimezone: true }).notNull().defaultNow(),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    nextCallAt: timestamp('next_call_at', { withTimezone: true }),
    lastCalledAt: timestamp('last_called_at', { withTimezone: true }),
    callsPlaced: integer('calls_placed').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.phoneHash] }),
    index('supporters_due_idx').on(t.nextCallAt).where(sql`${t.optedOutAt} is null`),
  ],
);

/**
 * The webhook outbox: one row per event a campaign's webhook subscribes to, written in the transaction
 * of the change it reports, then POSTed by the delivery worker (server/webhooks/deliverer.ts).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    /** The event id receivers dedupe by (`X-CallPower-Delivery`). */
    id: text('id').primaryKey(),
    /** Insertion order: the admin API pages by it. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** The body without the caller's number; `json`, not `jsonb`, so it is sent with its keys in order. */
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    /** The caller's number, for campaigns that opted in; dropped once the event is delivered or failed. */
    phone: text('phone'),
    /** Whether the body carries a number (kept after `phone` is dropped, for the admin API). */
    withPhone: boolean('with_phone').notNull().default(false),
    /** pending | delivered | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may next try (a claimed event is leased until then). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('webhook_events_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_events_campaign_idx').on(t.campaignId, t.seq),
    index('webhook_events_created_idx').on(t.createdAt),
  ],
);

/** Each try at delivering an event: what the receiver answered, or why there was no answer. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The receiver's HTTP status; null when none came (timeout, refused, reset). */
    statusCode: integer('status_code'),
    /** Why it failed, in our words: never the receiver's body, never a number. */
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.attempt] })],
);
