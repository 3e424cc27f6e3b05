import { PatternRouter } from 'hono/router/pattern-router';

/** What a member or key may do in an organisation, each role including the ones below it. */
export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const roleRank = (role: Role) => ROLES.indexOf(role);
export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);
export const atLeast = (role: Role, needed: Role) => roleRank(role) >= roleRank(needed);

/** `operator`: only the server operator (ADMIN_TOKEN); `signedOut`: no credentials needed (signing in). */
export type Access = Role | 'operator' | 'signedOut';

export interface RouteRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /api/admin, in Hono's route syntax. */
  path: string;
  access: Access;
  /** Recorded in the audit log when the request succeeds (every change has one). */
  audit?: `${string}.${string}`;
}

const rule = (method: RouteRule['method'], path: string, access: Access, audit?: RouteRule['audit']): RouteRule => ({ method, path, access, ...(audit ? { audit } : {}) });

/**
 * Every admin route and the least role that may use it: the one place access is decided (the
 * middleware in middleware/admin-auth.ts reads it; a route missing here is refused to everyone but an owner,
 * and test/server/roles.test.ts fails). owner: members, keys, Twilio; admin: campaigns, webhooks,
 * blocklist, audit; editor: campaign content and targets; viewer: reading, stats and CSVs.
 */
export const ROUTE_RULES: readonly RouteRule[] = [
  rule('POST', '/session', 'signedOut'),
  rule('GET', '/session', 'signedOut'),
  rule('DELETE', '/session', 'signedOut'),
  rule('POST', '/session/everywhere', 'signedOut'),
  rule('PUT', '/me/password', 'signedOut'),
  rule('GET', '/invites/:token', 'signedOut'),
  rule('POST', '/invites/:token/accept', 'signedOut'),

  rule('GET', '/orgs', 'viewer'),
  rule('POST', '/orgs', 'operator', 'org.create'),
  rule('GET', '/orgs/:orgId', 'viewer'),
  rule('PATCH', '/orgs/:orgId', 'owner', 'org.update'),
  rule('GET', '/orgs/:orgId/keys', 'owner'),
  rule('POST', '/orgs/:orgId/keys', 'owner', 'key.create'),
  rule('DELETE', '/orgs/:orgId/keys/:keyId', 'owner', 'key.revoke'),
  rule('GET', '/orgs/:orgId/members', 'owner'),
  rule('PATCH', '/orgs/:orgId/members/:memberId', 'owner', 'member.update'),
  rule('DELETE', '/orgs/:orgId/members/:memberId', 'owner', 'member.remove'),
  rule('POST', '/orgs/:orgId/invites', 'owner', 'invite.create'),
  rule('DELETE', '/orgs/:orgId/invites/:inviteId', 'owner', 'invite.revoke'),
  rule('GET', '/orgs/:orgId/twilio', 'owner'),
  rule('PUT', '/orgs/:orgId/twilio', 'owner', 'twilio.update'),
  rule('DELETE', '/orgs/:orgId/twilio', 'owner', 'twilio.remove'),
  rule('POST', '/orgs/:orgId/twilio/test', 'owner'),
  rule('GET', '/audit', 'admin'),
  rule('GET', '/audit.csv', 'admin'),

  rule('GET', '/campaigns', 'viewer'),
  rule('POST', '/campaigns', 'admin', 'campaign.create'),
  rule('GET', '/campaigns/:id', 'viewer'),
  rule('PATCH', '/campaigns/:id', 'editor', 'campaign.update'),
  rule('POST', '/campaigns/:id/pause', 'admin', 'campaign.pause'),
  rule('POST', '/campaigns/:id/resume', 'admin', 'campaign.resume'),
  rule('POST', '/campaigns/:id/archive', 'admin', 'campaign.archive'),
  rule('POST', '/campaigns/:id/copy', 'admin', 'campaign.copy'),
  rule('GET', '/campaigns/:id/stats', 'viewer'),
  rule('GET', '/campaigns/:id/stats/targets.csv', 'viewer'),
  rule('GET', '/campaigns/:id/stats/offices.csv', 'viewer'),
  rule('GET', '/campaigns/:id/stats/calls.csv', 'viewer'),
  rule('GET', '/campaigns/:id/targets', 'viewer'),
  rule('GET', '/campaigns/:id/lookup', 'viewer'),
  rule('POST', '/campaigns/:id/targets.csv', 'editor', 'campaign.import_targets'),
  rule('POST', '/campaigns/:id/webhook/rotate', 'admin', 'webhook.rotate_secret'),
  rule('GET', '/campaigns/:id/webhook/deliveries', 'admin'),
  rule('POST', '/campaigns/:id/webhook/deliveries/retry', 'admin', 'webhook.retry_failed'),
  rule('GET', '/campaigns/:id/webhook/deliveries/:eventId', 'admin'),
  rule('POST', '/campaigns/:id/webhook/deliveries/:eventId/retry', 'admin', 'webhook.retry'),

  rule('GET', '/blocks', 'admin'),
  rule('POST', '/blocks', 'admin', 'block.create'),
  rule('DELETE', '/blocks/:id', 'admin', 'block.remove'),
];

/** A route nobody listed: only an owner may use it, so forgetting an entry never opens a route. */
const UNLISTED: RouteRule = { method: 'GET', path: '', access: 'owner' };

const router = new PatternRouter<RouteRule>();
for (const entry of ROUTE_RULES) router.add(entry.method, entry.path, entry);

/** The rule for a request (`path` below /api/admin) and the route's parameters. */
export function ruleFor(method: string, path: string): { rule: RouteRule; params: Record<string, string> } {
  // HEAD is answered by the GET route.
  const [[match] = []] = router.match(method === 'HEAD' ? 'GET' : method, path) as unknown as [[RouteRule, Record<string, string>][]];
  return match ? { rule: match[0], params: match[1] } : { rule: UNLISTED, params: {} };
}
