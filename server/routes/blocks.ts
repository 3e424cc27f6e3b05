import { and, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import type { AdminEnv } from '../middleware/admin-auth.ts';
import { notFound } from '../errors.ts';
import { parseIpRule } from '../limits/blocklist.ts';
import { hashPhone, normalizePhone } from '../phone.ts';
import { blocks } from '../store/schema.ts';
import { INTEGER_MAX, validate, wholeNumber } from '../validate.ts';

const BlockInput = z
  .object({
    /** A caller's number: stored only as its keyed hash. */
    phone: z.string().trim().min(1).max(40).optional(),
    /** An address or CIDR range, IPv4 or IPv6. */
    ip: z
      .string()
      .trim()
      .refine((value) => parseIpRule(value) !== null, 'must be an IP address or a CIDR range like 203.0.113.0/24')
      .optional(),
    reason: z.string().trim().max(500).default(''),
    /** Unset: until removed. */
    expiresAt: z.iso
      .datetime({ offset: true })
      // JavaScript has a year 0 (1 BC); the store refuses it.
      .refine((at) => new Date(at).getUTCFullYear() >= 1, 'must be in year 1 or later')
      .optional(),
  })
  .refine((input) => Boolean(input.phone) !== Boolean(input.ip), { message: 'give exactly one of phone or ip', path: ['phone'] });

/**
 * An organisation's blocklist (admin; auth is applied in app.ts): it applies to the organisation's campaigns,
 * and the `default` organisation's (the operator's) to every campaign. Numbers go in and never come out:
 * only hashes are kept.
 */
export function blockRoutes({ store: { db }, blocklist, secretKey }: AppDeps) {
  const view = ({ id, kind, value, reason, expiresAt, createdAt }: typeof blocks.$inferSelect) => ({
    id,
    kind,
    // A phone entry shows only that it is one; its hash means nothing to a reader.
    ...(kind === 'ip' ? { ip: value } : {}),
    reason,
    expiresAt,
    createdAt,
  });

  return new Hono<AdminEnv>()
    .get('/blocks', async (c) => {
      const rows = await db.select().from(blocks).where(eq(blocks.orgId, c.get('actor').orgId)).orderBy(desc(blocks.createdAt));
      return c.json({ blocks: rows.map(view) });
    })

    .post('/blocks', validate('json', BlockInput), async (c) => {
      const { phone, ip, reason, expiresAt } = c.req.valid('json');
      const entry = phone ? { kind: 'phone', value: hashPhone(secretKey, normalizePhone(phone)) } : { kind: 'ip', value: ip! };
      const [row] = await db
        .insert(blocks)
        .values({ ...entry, orgId: c.get('actor').orgId, reason, expiresAt: expiresAt ? new Date(expiresAt) : null })
        .returning();
      blocklist.invalidate();
      c.set('auditObject', String(row!.id));
      // What was blocked is not written down: a number would be personal data, and its hash means nothing to a reader.
      c.set('auditChanges', { kind: entry.kind, ...(ip ? { ip } : {}), reason, expiresAt });
      return c.json({ block: view(row!) }, 201);
    })

    .delete('/blocks/:id', async (c) => {
      const id = wholeNumber(c.req.param('id'), INTEGER_MAX);
      const removed =
        id !== undefined ? await db.delete(blocks).where(and(eq(blocks.id, id), eq(blocks.orgId, c.get('actor').orgId))).returning({ id: blocks.id }) : [];
      if (!removed.length) throw notFound('Block');
      blocklist.invalidate();
      return c.body(null, 204);
    });
}
