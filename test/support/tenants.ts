import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import type { Db } from '../../server/store/db.ts';
import { blocks, webhookEvents } from '../../server/store/schema.ts';
import { AdminClient, orgWithOwner } from './accounts.ts';

/** How a request says who is asking: any mix of a bearer token, a session (cookie + CSRF token) and an organisation header. */
export interface Credential {
  name: string;
  bearer?: string;
  cookie?: string;
  csrfToken?: string;
  org?: string;
}

let clients = 0;
let tenants = 0;
/**
 * The header the test servers trust for the client's address (start them with `TRUSTED_PROXY_HEADER`):
 * each request comes from an address of its own, so the per-address limits on failed sign-ins and on
 * calls never answer for the thing a test looks at.
 */
export const CLIENT_HEADER = 'X-Test-Client';
export const TRUSTED_CLIENTS = { TRUSTED_PROXY_HEADER: CLIENT_HEADER };
const nextAddress = () => {
  clients += 1;
  return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
};

/** One admin request as `credential`, from an address of its own. */
export async function send(base: string, credential: Credential, method: string, path: string, body?: unknown): Promise<Response> {
  const csv = typeof body === 'string';
  return fetch(`${base}/api/admin${path}`, {
    method,
    headers: {
      [CLIENT_HEADER]: nextAddress(),
      ...(credential.bearer ? { Authorization: `Bearer ${credential.bearer}` } : {}),
      ...(credential.cookie ? { Cookie: credential.cookie } : {}),
      ...(credential.csrfToken && !['GET', 'HEAD'].includes(method) ? { 'X-CSRF-Token': credential.csrfToken } : {}),
      ...(credential.org ? { 'CallPower-Org': credential.org } : {}),
      ...(body === undefined ? {} : { 'Content-Type': csv ? 'text/csv' : 'application/json' }),
    },
    body: body === undefined ? undefined : csv ? body : JSON.stringify(body),
  });
}

const sessionOf = (client: AdminClient, name: string, org?: string): Credential => ({ name, cookie: client.cookie, csrfToken: client.csrfToken, org });

export interface Tenant {
  org: { id: string; name: string };
  /** The owner who accepted the operator's invitation, signed in. */
  owner: AdminClient;
  /** A key of each role, by role. */
  keys: Record<Role, Credential & { id: string }>;
  /** A signed-in member of each role, by role (the owner is the first owner). */
  members: Record<Role, Credential & { id: string }>;
  campaignId: string;
  /** Names and numbers of the campaign's own offices (a leak of either is a leak). */
  offices: { name: string; phone: string }[];
  blockId: number;
  /** A failed webhook delivery of the campaign. */
  eventId: string;
}

/**
 * An organisation with one of everything, made the way its people would: an owner invited by the operator,
 * a key and a signed-in member of every role, a campaign with its own offices and a webhook, a block and a
 * failed webhook delivery. `prefix` is written into every name and number, so a test can look for it in
 * another organisation's answers.
 */
export async function makeTenant(base: string, db: Db, operator: AdminClient, prefix: string): Promise<Tenant> {
  const { org, owner } = await orgWithOwner(base, operator, `${prefix} Organisation`, `${prefix.toLowerCase()}-owner@example.org`);
  const ownerSession = (await owner.expect(200, 'GET', '/session')).member;

  const keys = {} as Tenant['keys'];
  const members = {} as Tenant['members'];
  for (const role of ROLES) {
    const { key } = await owner.expect(201, 'POST', `/orgs/${org.id}/keys`, { name: `${prefix} ${role} key`, role });
    keys[role] = { name: `${prefix} ${role} key`, bearer: key.secret, id: key.id };
    if (role === 'owner') {
      members.owner = { ...sessionOf(owner, `${prefix} owner member`), id: ownerSession.id };
      continue;
    }
    const { invite } = await owner.expect(201, 'POST', `/orgs/${org.id}/invites`, { email: `${prefix.toLowerCase()}-${role}@example.org`, role });
    const browser = new AdminClient(base);
    const session = await browser.expect(200, 'POST', `/invites/${new URL(invite.url).hash.replace('#invite=', '')}/accept`, { password: 'correct horse battery' });
    browser.csrfToken = session.csrfToken;
    members[role] = { ...sessionOf(browser, `${prefix} ${role} member`), id: session.member.id };
  }

  const campaignId = `${prefix.toLowerCase()}-campaign`;
  tenants += 1;
  const offices = [0, 1, 2].map((i) => ({ name: `${prefix} Office ${i}`, phone: `+1212555${tenants % 10}${i}${i}${i}` }));
  await owner.expect(201, 'POST', '/campaigns', {
    id: campaignId,
    name: `${prefix} Campaign`,
    targets: { custom: offices },
    webhook: { url: `https://hooks.${prefix.toLowerCase()}.example.org/callpower` },
  });
  const { block } = await owner.expect(201, 'POST', '/blocks', { ip: '198.51.100.0/24', reason: `${prefix} block` });
  const eventId = await failedDelivery(db, campaignId);
  return { org, owner, keys, members, campaignId, offices, blockId: block.id, eventId };
}

/** A webhook delivery that has failed for good (the one state an organiser may retry). */
export async function failedDelivery(db: Db, campaignId: string): Promise<string> {
  const id = randomUUID();
  await db.insert(webhookEvents).values({ id, campaignId, type: 'call.completed', payload: { campaign: campaignId }, status: 'failed', attempts: 8, lastError: 'refused' });
  return id;
}

/** A block in `orgId`, made behind the API's back (for routes that remove one). */
export async function blockIn(db: Db, orgId: string): Promise<number> {
  const [row] = await db.insert(blocks).values({ orgId, kind: 'ip', value: '192.0.2.77', reason: 'spare' }).returning({ id: blocks.id });
  return row!.id;
}
