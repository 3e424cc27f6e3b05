/** The admin API as the dashboard uses it: same origin, as the operator (token), a key (token) or a member (session cookie). */
import type { CampaignSettings } from '../server/campaigns/settings.ts';
import type { CampaignStats as Stats } from '../server/stats/stats.ts';
import type { WebhookEventType as WebhookEvent } from '../server/webhooks/settings.ts';
import type { Coverage } from '../server/targets/coverage.ts';
import type { TargetLookup } from '../server/targets/resolve.ts';
import { download, type Init, query, requestJson } from './http.ts';
import type { Role } from './roles.ts';

export interface CustomTarget {
  id: string;
  name: string;
  title: string;
  phone: string;
  extension?: string;
  /** Routing, at most one: offered only to callers in this state, district or at these ZIPs. */
  state?: string;
  district?: string;
  zips?: string[];
  /** A routed target's reach, in the list the targets route sends. */
  coverage?: Coverage;
}
export type { Coverage, TargetLookup };

/** The settings as stored (every default filled in), the webhook as the admin API shows it. Types only: nothing of the server is bundled. */
export type Settings = Omit<CampaignSettings, 'webhook'> & { webhook?: Webhook };
export type { CallAgain, Limits, Prompts, Targeting } from '../server/campaigns/settings.ts';

export interface Campaign {
  id: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  callInNumber: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Settings;
  customTargets?: CustomTarget[];
}

export type { WebhookEvent };

/** A campaign's webhook as the admin API shows it: the whole secret only in the response that made it. */
export interface Webhook {
  url: string;
  /** Unset: every event. */
  events?: WebhookEvent[];
  includePhone: boolean;
  secretHint: string;
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  type: WebhookEvent;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastError: string | null;
  phoneIncluded: boolean;
}

/** The stats as the admin API sends them (types only: nothing of the server is bundled). */
export type { Bucket as Figures, CampaignStats as Stats, TargetStats } from '../server/stats/stats.ts';

export type StatsRange = {
  from?: string;
  to?: string;
  tz?: string;
};

export { ApiError, type Problem, type RequestHost, runRequest } from './http.ts';

/** A blocklist entry: a phone entry never shows its number (only a keyed hash is kept). */
export interface Block {
  id: number;
  kind: 'phone' | 'ip';
  ip?: string;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
}

/** An organisation as one signed-in actor sees it: with their role in it. */
export interface OrgRole {
  id: string;
  name: string;
  role: Role;
  createdAt?: string;
}

export interface Member {
  id: string;
  email: string;
  name: string;
}

/** A member's session, as sign-in, restore and invite acceptance answer. */
export interface Session {
  member: Member;
  orgs: OrgRole[];
  csrfToken: string;
}

/** What the session route answers to a browser that is not signed in. */
export interface SignedOut {
  member: null;
  orgs: [];
  csrfToken: null;
}

export interface Invitation {
  org: { id: string; name: string };
  email: string;
  role: Role;
  expiresAt: string;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  /** Only in the response that made it: the link is shown once. */
  url?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  hint: string;
  createdBy?: string;
  createdAt: string;
  lastUsedAt?: string | null;
  /** Only in the response that made it. */
  secret?: string;
}

/** An organisation's own Twilio account, as the API shows it: never a secret, only its end. */
export interface TwilioSettings {
  accountSid: string | null;
  authTokenHint: string | null;
  apiKeySid?: string | null;
  callerId: string | null;
  cps: number | null;
  configured: boolean;
}

export interface TwilioInput {
  accountSid: string;
  authToken: string;
  apiKeySid?: string;
  apiKeySecret?: string;
  callerId: string;
  cps?: number;
}

export interface AuditEvent {
  id: number | string;
  at: string;
  actor: { kind: 'operator' | 'member' | 'key'; id: string; label: string };
  action: string;
  objectType: string;
  objectId: string | null;
  changes: Record<string, unknown> | null;
}

/** How requests are authorised: a bearer token (the operator's, or a key), or the session cookie with its CSRF token. */
export type Credentials = { kind: 'token'; token: string } | { kind: 'session'; csrfToken: string };

const TOKEN_KEY = 'call-power-admin-token';
const ORG_KEY = 'call-power-admin-org';

/** The token and the chosen organisation are kept for this tab only. */
export const storedToken = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const storeToken = (token: string) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY));
export const storedOrg = () => sessionStorage.getItem(ORG_KEY) ?? '';
export const storeOrg = (id: string) => (id ? sessionStorage.setItem(ORG_KEY, id) : sessionStorage.removeItem(ORG_KEY));

const SAFE = new Set(['GET', 'HEAD']);
const json = (method: string, body: unknown = {}): Init => ({ method, body: JSON.stringify(body) });
const org = (id: string) => `/orgs/${encodeURIComponent(id)}`;

/** The routes that need no actor: signing in, and opening an invite. */
export const sessionApi = {
  signIn: (email: string, password: string) => requestJson<Session>('/api/admin/session', json('POST', { email, password })),
  /** The member the session cookie names, or `member: null` when signed out. */
  restore: () => requestJson<Session | SignedOut>('/api/admin/session'),
  invitation: (token: string) => requestJson<{ invite: Invitation }>(`/api/admin/invites/${encodeURIComponent(token)}`).then((r) => r.invite),
  accept: (token: string, body: { name?: string; password: string }) => requestJson<Session>(`/api/admin/invites/${encodeURIComponent(token)}/accept`, json('POST', body)),
};

/** Calls for one signed-in organiser, inside `orgId` when given (the server's choice otherwise). */
export class AdminApi {
  constructor(
    readonly credentials: Credentials,
    readonly orgId?: string,
  ) {}

  /** The same credentials, acting in another organisation. */
  in(orgId: string) {
    return new AdminApi(this.credentials, orgId);
  }

  #init(init: Init = {}): Init {
    const { credentials } = this;
    const headers: Record<string, string> = { ...init.headers };
    if (credentials.kind === 'token') headers.authorization = `Bearer ${credentials.token}`;
    else if (!SAFE.has(init.method ?? 'GET')) headers['x-csrf-token'] = credentials.csrfToken;
    if (this.orgId) headers['callpower-org'] = this.orgId;
    return { ...init, headers };
  }

  #json<T>(path: string, init: Init = {}): Promise<T> {
    return requestJson<T>(`/api/admin${path}`, this.#init(init));
  }

  campaigns() {
    return this.#json<{ campaigns: Campaign[] }>('/campaigns').then((body) => body.campaigns);
  }

  campaign(id: string) {
    return this.#json<{ campaign: Campaign }>(`/campaigns/${encodeURIComponent(id)}`).then((body) => body.campaign);
  }

  save(id: string | undefined, body: unknown) {
    const path = id ? `/campaigns/${encodeURIComponent(id)}` : '/campaigns';
    return this.#json<{ campaign: Campaign }>(path, json(id ? 'PATCH' : 'POST', body)).then((r) => r.campaign);
  }

  act(id: string, action: 'pause' | 'resume' | 'archive' | 'copy') {
    return this.#json<{ campaign: Campaign }>(`/campaigns/${encodeURIComponent(id)}/${action}`, json('POST')).then((r) => r.campaign);
  }

  /** The newest deliveries of the campaign's webhook events, optionally of one status. */
  deliveries(id: string, status?: DeliveryStatus) {
    return this.#json<{ deliveries: Delivery[] }>(`/campaigns/${encodeURIComponent(id)}/webhook/deliveries${query({ status })}`).then((r) => r.deliveries);
  }

  /** Re-queues one failed delivery, or (without `eventId`) every failed one. */
  retry(id: string, eventId?: string) {
    const path = `/campaigns/${encodeURIComponent(id)}/webhook/deliveries${eventId ? `/${encodeURIComponent(eventId)}` : ''}/retry`;
    return this.#json<{ retried?: number }>(path, json('POST'));
  }

  rotateSecret(id: string) {
    return this.#json<{ webhook: Webhook }>(`/campaigns/${encodeURIComponent(id)}/webhook/rotate`, json('POST')).then((r) => r.webhook);
  }

  /** The campaign's own list, each routed target with its coverage. */
  targets(id: string) {
    return this.#json<{ targets: CustomTarget[] }>(`/campaigns/${encodeURIComponent(id)}/targets`).then((r) => r.targets);
  }

  /** Whom a caller at `zip` would reach, from the campaign as stored now. */
  lookup(id: string, zip: string) {
    return this.#json<TargetLookup>(`/campaigns/${encodeURIComponent(id)}/lookup${query({ zip })}`);
  }

  /** Replaces the campaign's own list from a CSV file; a bad file is refused whole, each bad line in `details`. */
  importTargets(id: string, csv: string) {
    return this.#json<{ imported: number; targets: CustomTarget[] }>(`/campaigns/${encodeURIComponent(id)}/targets.csv`, { method: 'POST', body: csv, type: 'text/csv' });
  }

  blocks() {
    return this.#json<{ blocks: Block[] }>('/blocks').then((r) => r.blocks);
  }

  block(body: { phone?: string; ip?: string; reason?: string; expiresAt?: string }) {
    return this.#json<{ block: Block }>('/blocks', json('POST', body)).then((r) => r.block);
  }

  unblock(id: number) {
    return this.#json<void>(`/blocks/${id}`, { method: 'DELETE' });
  }

  stats(id: string, range: StatsRange = {}) {
    return this.#json<Stats>(`/campaigns/${encodeURIComponent(id)}/stats${query(range)}`);
  }

  csv(id: string, kind: 'targets' | 'offices' | 'calls', range: StatsRange = {}) {
    return download(`/api/admin/campaigns/${encodeURIComponent(id)}/stats/${kind}.csv${query(range)}`, this.#init(), `${id}-${kind}.csv`);
  }

  // The signed-in member: a session's own routes.

  signOut() {
    return this.#json<void>('/session', { method: 'DELETE' });
  }

  signOutEverywhere() {
    return this.#json<void>('/session/everywhere', json('POST'));
  }

  changePassword(currentPassword: string, newPassword: string) {
    return this.#json<void>('/me/password', json('PUT', { currentPassword, newPassword }));
  }

  // Organisations, their members, keys, Twilio account and audit log.

  orgs() {
    return this.#json<{ orgs: OrgRole[] }>('/orgs').then((r) => r.orgs);
  }

  createOrg(name: string) {
    return this.#json<{ org: { id: string; name: string } }>('/orgs', json('POST', { name })).then((r) => r.org);
  }

  renameOrg(orgId: string, name: string) {
    return this.#json<{ org: { id: string; name: string } }>(org(orgId), json('PATCH', { name })).then((r) => r.org);
  }

  members(orgId: string) {
    return this.#json<{ members: (Member & { role: Role; createdAt: string })[]; invites: Invite[] }>(`${org(orgId)}/members`);
  }

  invite(orgId: string, email: string, role: Role) {
    return this.#json<{ invite: Invite }>(`${org(orgId)}/invites`, json('POST', { email, role })).then((r) => r.invite);
  }

  revokeInvite(orgId: string, inviteId: string) {
    return this.#json<void>(`${org(orgId)}/invites/${encodeURIComponent(inviteId)}`, { method: 'DELETE' });
  }

  setRole(orgId: string, memberId: string, role: Role) {
    return this.#json<{ member: Member & { role: Role } }>(`${org(orgId)}/members/${encodeURIComponent(memberId)}`, json('PATCH', { role })).then((r) => r.member);
  }

  removeMember(orgId: string, memberId: string) {
    return this.#json<void>(`${org(orgId)}/members/${encodeURIComponent(memberId)}`, { method: 'DELETE' });
  }

  keys(orgId: string) {
    return this.#json<{ keys: ApiKey[] }>(`${org(orgId)}/keys`).then((r) => r.keys);
  }

  createKey(orgId: string, name: string, role: Role) {
    return this.#json<{ key: ApiKey }>(`${org(orgId)}/keys`, json('POST', { name, role })).then((r) => r.key);
  }

  revokeKey(orgId: string, keyId: string) {
    return this.#json<void>(`${org(orgId)}/keys/${encodeURIComponent(keyId)}`, { method: 'DELETE' });
  }

  twilio(orgId: string) {
    return this.#json<{ twilio: TwilioSettings }>(`${org(orgId)}/twilio`).then((r) => r.twilio);
  }

  saveTwilio(orgId: string, body: TwilioInput) {
    return this.#json<{ twilio: TwilioSettings }>(`${org(orgId)}/twilio`, json('PUT', body)).then((r) => r.twilio);
  }

  /** Asks Twilio whether these credentials (or, without a body, the saved ones) work, without saving them. */
  testTwilio(orgId: string, body?: TwilioInput) {
    return this.#json<{ ok: true; friendlyName: string; status: string }>(`${org(orgId)}/twilio/test`, json('POST', body));
  }

  /** Back to the server's own account. */
  clearTwilio(orgId: string) {
    return this.#json<void>(`${org(orgId)}/twilio`, { method: 'DELETE' });
  }

  audit(before?: AuditEvent['id'], limit = 50) {
    return this.#json<{ events: AuditEvent[]; next?: AuditEvent['id'] }>(`/audit${query({ before, limit })}`);
  }

  auditCsv() {
    return download('/api/admin/audit.csv', this.#init(), 'audit.csv');
  }
}

/** The public API, as the widget calls it: a test call goes through exactly the supporters' path. */
/** A split ZIP's district, with its representative (null: the seat is vacant). */
export interface DistrictChoice {
  district: string;
  representative: { name: string; title: string; party?: string } | null;
}

export const publicApi = {
  /** The districts a split ZIP's caller chooses from (empty when the ZIP is not split). */
  districtChoices: (campaignId: string, zip: string) =>
    requestJson<{ choices?: DistrictChoice[] }>(`/api/campaigns/${encodeURIComponent(campaignId)}/targets?zip=${encodeURIComponent(zip)}`).then(
      (body) => body.choices ?? [],
    ),
  placeCall: (campaignId: string, body: { phone: string; zip?: string; district?: string }) =>
    requestJson<{ call: { id: string; status: string } }>(`/api/campaigns/${encodeURIComponent(campaignId)}/calls`, { method: 'POST', body: JSON.stringify(body) }).then(
      (body) => body.call,
    ),
  call: (id: string) =>
    requestJson<{ id: string; status: string; legs: { targetId: string; status: string; duration: number | null }[]; targets: { id: string; name: string }[] }>(
      `/api/calls/${encodeURIComponent(id)}`,
    ),
};
