import { Hono } from 'hono';
import type { AdminEnv } from '../middleware/admin-auth.ts';
import type { AppDeps } from '../deps.ts';
import { AuditQuery, auditCsv, listAudit } from '../audit/audit.ts';
import { createKey, KeyInput, listKeys, revokeKey } from '../orgs/keys.ts';
import { changeRole, createInvite, InviteInput, listMembers, removeMember, revokeInvite, RoleChange } from '../orgs/members.ts';
import { allOrgs, createOrg, OrgInput, orgsOfMember, orgView, requireOrg } from '../orgs/orgs.ts';
import { orgs } from '../store/schema.ts';
import { eq, sql } from 'drizzle-orm';
import { validate } from '../validate.ts';
import { csvDownload, pulled } from './csv-download.ts';

/**
 * Organisations and who may act in them (admin; who may use which route is decided in auth/roles.ts,
 * and an `:orgId` the caller is not in is a 404 before these run).
 */
export function orgRoutes({ store: { db }, config, log }: AppDeps) {
  return new Hono<AdminEnv>()
    .get('/orgs', async (c) => {
      const actor = c.get('actor');
      const list =
        actor.kind === 'operator'
          ? (await allOrgs(db)).map((org) => ({ ...orgView(org), role: 'owner' as const }))
          : actor.kind === 'key'
            ? [{ ...orgView(await requireOrg(db, actor.orgId)), role: actor.role }]
            : (await orgsOfMember(db, actor.id)).map((org) => ({ ...orgView(org), role: org.role }));
      return c.json({ orgs: list });
    })

    .post('/orgs', validate('json', OrgInput), async (c) => {
      const org = await createOrg(db, c.req.valid('json'));
      c.set('auditObject', org.id);
      c.set('auditOrg', org.id);
      return c.json({ org: { id: org.id, name: org.name } }, 201);
    })

    .get('/orgs/:orgId', async (c) => c.json({ org: orgView(await requireOrg(db, c.req.param('orgId'))) }))

    .patch('/orgs/:orgId', validate('json', OrgInput), async (c) => {
      const [org] = await db
        .update(orgs)
        .set({ name: c.req.valid('json').name, updatedAt: sql`now()` })
        .where(eq(orgs.id, c.req.param('orgId')))
        .returning();
      return c.json({ org: orgView(org!) });
    })

    .get('/orgs/:orgId/keys', async (c) => c.json({ keys: await listKeys(db, c.req.param('orgId')) }))

    .post('/orgs/:orgId/keys', validate('json', KeyInput), async (c) => {
      const key = await createKey(db, c.req.param('orgId'), c.req.valid('json'), c.get('actor'));
      c.set('auditObject', key.id);
      return c.json({ key }, 201);
    })

    .delete('/orgs/:orgId/keys/:keyId', async (c) => {
      await revokeKey(db, c.req.param('orgId'), c.req.param('keyId'));
      return c.body(null, 204);
    })

    .get('/orgs/:orgId/members', async (c) => c.json(await listMembers(db, c.req.param('orgId'))))

    .post('/orgs/:orgId/invites', validate('json', InviteInput), async (c) => {
      const { invite, token } = await createInvite(db, c.req.param('orgId'), c.req.valid('json'), c.get('actor'));
      c.set('auditObject', invite.id);
      // Shown to the inviter once, to pass on: no mail server is assumed.
      return c.json({ invite: { ...invite, url: `${config.publicUrl}/admin/#invite=${token}` } }, 201);
    })

    .delete('/orgs/:orgId/invites/:inviteId', async (c) => {
      await revokeInvite(db, c.req.param('orgId'), c.req.param('inviteId'));
      return c.body(null, 204);
    })

    .patch('/orgs/:orgId/members/:memberId', validate('json', RoleChange), async (c) =>
      c.json({ member: await changeRole(db, c.req.param('orgId'), c.req.param('memberId'), c.req.valid('json').role) }),
    )

    .delete('/orgs/:orgId/members/:memberId', async (c) => {
      await removeMember(db, c.req.param('orgId'), c.req.param('memberId'));
      return c.body(null, 204);
    })

    .get('/audit', validate('query', AuditQuery), async (c) => c.json(await listAudit(db, c.get('actor').orgId, c.req.valid('query'))))

    .get('/audit.csv', (c) => {
      const { orgId } = c.get('actor');
      const failed = (error: unknown) => log(`error: audit log CSV of ${orgId}: ${(error as Error).stack ?? error}`);
      return csvDownload(c, `${orgId}-audit.csv`, pulled(auditCsv(db, orgId), failed));
    });
}
