import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { DECOY_HASH, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.ts';
import { ROLES, isRole, type Role } from '../auth/roles.ts';
import { newId, newToken, tokenHash } from '../auth/tokens.ts';
import { ApiError, notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { invites, members, memberships, orgs } from '../store/schema.ts';

/** An invitation link works this long, once. */
export const INVITE_DAYS = 7;

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be an email address'))
  .transform((value) => value.toLowerCase());

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'must be at most 200 characters');

export const SignIn = z.object({ email, password: z.string().min(1).max(200) });
export const InviteInput = z.object({ email, role: z.enum(ROLES) });
export const AcceptInvite = z.object({ name: z.string().trim().max(200).optional(), password: Password });
export const RoleChange = z.object({ role: z.enum(ROLES) });
export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(200), newPassword: Password });

type Member = typeof members.$inferSelect;
export const memberView = ({ id, email, name }: Pick<Member, 'id' | 'email' | 'name'>) => ({ id, email, name });

/** The member with this email and password, or undefined; as slow for an unknown email as for a wrong password. */
export async function checkPassword(db: Db, address: string, password: string): Promise<Member | undefined> {
  const [member] = await db.select().from(members).where(eq(members.email, address));
  const matches = await verifyPassword(password, member?.passwordHash ?? (await DECOY_HASH));
  return member && matches ? member : undefined;
}

export async function changePassword(db: Db, memberId: string, current: string, next: string): Promise<void> {
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  if (!member || !(await verifyPassword(current, member.passwordHash))) {
    throw new ApiError(422, 'wrong_password', 'currentPassword: is not your current password.', 'currentPassword');
  }
  await db.update(members).set({ passwordHash: await hashPassword(next), updatedAt: sql`now()` }).where(eq(members.id, memberId));
}

export async function listMembers(db: Db, orgId: string) {
  const people = await db
    .select({ id: members.id, email: members.email, name: members.name, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(members, eq(members.id, memberships.memberId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.createdAt));
  const pending = await db
    .select({ id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt })
    .from(invites)
    .where(and(eq(invites.orgId, orgId), isNull(invites.acceptedAt), gt(invites.expiresAt, sql`now()`)))
    .orderBy(asc(invites.createdAt));
  return { members: people, invites: pending };
}

/** An invitation; its token is in this answer only (the link the inviter passes on). */
export async function createInvite(db: Db, orgId: string, input: z.output<typeof InviteInput>, by: Actor) {
  const token = newToken('cpi_');
  const [row] = await db
    .insert(invites)
    .values({
      id: newId('inv'),
      tokenHash: tokenHash(token),
      orgId,
      email: input.email,
      role: input.role,
      invitedBy: by.label,
      expiresAt: sql`now() + make_interval(days => ${INVITE_DAYS})`,
    })
    .returning();
  return { invite: { id: row!.id, email: row!.email, role: row!.role, expiresAt: row!.expiresAt }, token };
}

export async function revokeInvite(db: Db, orgId: string, inviteId: string): Promise<void> {
  const gone = await db
    .delete(invites)
    .where(and(eq(invites.id, inviteId), eq(invites.orgId, orgId), isNull(invites.acceptedAt)))
    .returning({ id: invites.id });
  if (!gone.length) throw notFound('Invite');
}

/** A usable invitation (not used, not expired) with its organisation. */
export async function findInvite(db: Db, token: string) {
  const [row] = await db
    .select({ id: invites.id, email: invites.email, role: invites.role, expiresAt: invites.expiresAt, org: { id: orgs.id, name: orgs.name } })
    .from(invites)
    .innerJoin(orgs, eq(orgs.id, invites.orgId))
    .where(and(eq(invites.tokenHash, tokenHash(token)), isNull(invites.acceptedAt), gt(invites.expiresAt, sql`now()`)));
  if (!row) throw notFound('Invite');
  return row;
}

/**
 * Joins the invitation's organisation: a new member with this password, or — when the email already has
 * an account — that member, if the password is theirs (an invitation is not a way into someone's account).
 * The invitation is used up in the same transaction, so a link works once.
 */
export async function acceptInvite(db: Db, token: string, input: z.output<typeof AcceptInvite>): Promise<{ member: Member; orgId: string; role: Role }> {
  const invite = await findInvite(db, token);
  const [existing] = await db.select().from(members).where(eq(members.email, invite.email));
  if (existing && !(await verifyPassword(input.password, existing.passwordHash))) {
    throw new ApiError(422, 'wrong_password', `password: ${invite.email} already has an account here: give its password to join.`, 'password');
  }
  const passwordHash = existing ? undefined : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const used = await tx
      .update(invites)
      .set({ acceptedAt: sql`now()` })
      .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt)))
      .returning({ id: invites.id });
    if (!used.length) throw notFound('Invite');
    const member =
      existing ??
      (await tx
        .insert(members)
        .values({ id: newId('mem'), email: invite.email, name: input.name ?? '', passwordHash: passwordHash! })
        .returning())[0]!;
    await tx
      .insert(memberships)
      .values({ orgId: invite.org.id, memberId: member.id, role: invite.role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.memberId], set: { role: invite.role } });
    return { member, orgId: invite.org.id, role: isRole(invite.role) ? invite.role : 'viewer' };
  });
}

/** The member's role in the organisation, or undefined when they are not in it. */
export async function roleIn(db: Db, memberId: string, orgId: string): Promise<Role | undefined> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.memberId, memberId), eq(memberships.orgId, orgId)));
  return row && isRole(row.role) ? row.role : undefined;
}

/** Refuses a change that would leave the organisation with no owner: nobody could then manage its members. */
async function assertAnotherOwner(db: Db, orgId: string, memberId: string): Promise<void> {
  const [other] = await db
    .select({ id: memberships.memberId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner'), ne(memberships.memberId, memberId)))
    .limit(1);
  if (!other) throw new ApiError(409, 'last_owner', 'This is the organisation’s only owner: make someone else owner first.', 'role');
}

export async function changeRole(db: Db, orgId: string, memberId: string, role: Role) {
  const current = await roleIn(db, memberId, orgId);
  if (!current) throw notFound('Member');
  if (current === 'owner' && role !== 'owner') await assertAnotherOwner(db, orgId, memberId);
  await db.update(memberships).set({ role }).where(and(eq(memberships.orgId, orgId), eq(memberships.memberId, memberId)));
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  return { ...memberView(member!), role };
}

export async function removeMember(db: Db, orgId: string, memberId: string): Promise<void> {
  const current = await roleIn(db, memberId, orgId);
  if (!current) throw notFound('Member');
  if (current === 'owner') await assertAnotherOwner(db, orgId, memberId);
  await db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.memberId, memberId)));
}
