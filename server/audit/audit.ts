import { stringify } from 'csv-stringify/sync';
import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../store/db.ts';
import { auditEvents } from '../store/schema.ts';

/** Fields whose values are never written down, whatever the route: secrets and numbers. */
const SECRET_FIELD = /secret|token|password|phone|^callerid$|^callinnumber$/i;
/** A value that reads as a phone number (an office's, a caller ID): left out like one in a phone field. */
const PHONE_LIKE = /^\+?[\d\s().-]{7,}$/;
const MAX_TEXT = 200;
const MAX_DEPTH = 4;

/**
 * What a change set, fit for the log: secrets and phone numbers become `[redacted]`, long text is cut,
 * lists are counted past a few entries (a target list is "[12 items]", not every office's number).
 */
export function redacted(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return PHONE_LIKE.test(value) ? '[redacted]' : value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (Array.isArray(value)) return value.length > 5 || depth >= MAX_DEPTH ? `[${value.length} items]` : value.map((item) => redacted(item, depth + 1));
  if (value && typeof value === 'object') {
    if (depth >= MAX_DEPTH) return '[…]';
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_FIELD.test(key) ? '[redacted]' : redacted(inner, depth + 1)]));
  }
  return value;
}

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string;
  changes?: Record<string, unknown>;
}

export async function recordAudit(db: Db, actor: Actor, { action, objectType, objectId, changes }: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    orgId: actor.orgId,
    actorKind: actor.kind,
    actorId: actor.id,
    actorLabel: actor.label,
    action,
    objectType,
    objectId: objectId ?? null,
    changes: changes ? (redacted(changes) as Record<string, unknown>) : null,
  });
}

export const AuditQuery = z.object({
  /** The id of the last event already shown: the next page is older. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

type Row = typeof auditEvents.$inferSelect;

const eventView = ({ id, at, actorKind, actorId, actorLabel, action, objectType, objectId, changes }: Row) => ({
  id,
  at,
  actor: { kind: actorKind, id: actorId, label: actorLabel },
  action,
  objectType,
  objectId,
  changes,
});

/** Newest first, a page at a time; `next` is the `before` for the following page. */
export async function listAudit(db: Db, orgId: string, { before, limit }: z.output<typeof AuditQuery>) {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), before ? lt(auditEvents.id, before) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { events: page.map(eventView), ...(rows.length > limit ? { next: page.at(-1)!.id } : {}) };
}

const COLUMNS = ['id', 'at', 'actor_kind', 'actor', 'action', 'object_type', 'object_id', 'changes'];

/** The whole log, newest first, as a spreadsheet reads it (formulas escaped like the stats CSVs). */
export async function* auditCsv(db: Db, orgId: string): AsyncGenerator<string> {
  let before: number | undefined;
  let header = true;
  do {
    const { events, next } = await listAudit(db, orgId, { before, limit: 500 });
    const rows = events.map((e) => [e.id, e.at.toISOString(), e.actor.kind, e.actor.label, e.action, e.objectType, e.objectId ?? '', e.changes ? JSON.stringify(e.changes) : '']);
    yield stringify(rows, { escape_formulas: true, quoted_match: ';', bom: header, header, columns: COLUMNS });
    header = false;
    before = next;
  } while (before);
}
