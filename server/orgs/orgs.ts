import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isRole, type Role } from '../auth/roles.ts';
import { newId } from '../auth/tokens.ts';
import { notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { memberships, orgs } from '../store/schema.ts';

export const OrgInput = z.object({ name: z.string().trim().min(1).max(200) });

export type Org = typeof orgs.$inferSelect;

export const orgView = ({ id, name, createdAt }: Org) => ({ id, name, createdAt });

export async function createOrg(db: Db, { name }: z.output<typeof OrgInput>): Promise<Org> {
  const [org] = await db.insert(orgs).values({ id: newId('org'), name }).returning();
  return org!;
}

export async function findOrg(db: Db, id: string): Promise<Org | undefined> {
  const [org] = await db.select().from(orgs).where(eq(orgs.id, id));
  return org;
}

export async function requireOrg(db: Db, id: string): Promise<Org> {
  const org = await findOrg(db, id);
  if (!org) throw notFound('Organisation');
  return org;
}

export async function allOrgs(db: Db): Promise<Org[]> {
  return db.select().from(orgs).orderBy(asc(orgs.createdAt), asc(orgs.id));
}

/** A member's organisations with their role in each, oldest membership first (the one a sign-in lands in). */
export async function orgsOfMember(db: Db, memberId: string): Promise<(Org & { role: Role })[]> {
  const rows = await db
    .select({ org: orgs, role: memberships.role })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(eq(memberships.memberId, memberId))
    .orderBy(asc(memberships.createdAt), asc(orgs.id));
  return rows.flatMap(({ org, role }) => (isRole(role) ? [{ ...org, role }] : []));
}
