/** The admin API as the dashboard uses it: same origin, `Authorization: Bearer <token>`. */
import type { CampaignSettings } from '../server/campaigns/settings.ts';
import type { CampaignStats as Stats } from '../server/stats/stats.ts';
import type { WebhookEventType as WebhookEvent } from '../server/webhooks/settings.ts';
import type { Coverage } from '../server/targets/coverage.ts';
import type { TargetLookup } from '../server/targets/resolve.ts';

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

/** One of several problems the server found at once (a CSV import lists each bad line). */
export interface Problem {
  line?: number;
  column?: string;
  message: string;
}

/** A refusal the page can show next to the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
}

/** An element that runs requests one at a time and shows the last one's failure. */
export interface RequestHost {
  busy: boolean;
  error?: ApiError;
}

/** Runs one request for `host`, busy meanwhile; its failure is shown (with the field it names), never thrown. */
export async function runRequest(host: RequestHost, request: () => Promise<void>): Promise<void> {
  host.busy = true;
  host.error = undefined;
  try {
    await request();
  } catch (error) {
    host.error = error instanceof ApiError ? error : new ApiError(0, 'unknown', (error as Error).message);
  } finally {
    host.busy = false;
  }
}

/** A blocklist entry: a phone entry never shows its number (only a keyed hash is kept). */
export interface Block {
  id: number;
  kind: 'phone' | 'ip';
  ip?: string;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
}

const TOKEN_KEY = 'call-power-admin-token';

export const storedToken = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const storeToken = (token: string) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY));

type Init = RequestInit & { token?: string; type?: string };

/** A request with the token; a body is JSON unless `type` says otherwise. */
async function request(path: string, init: Init = {}): Promise<Response> {
  const { token, type = 'application/json', ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(rest.body ? { 'content-type': type } : {}),
      },
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; field?: string; details?: Problem[] } } | null;
  const error = body?.error;
  throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? `The server answered ${response.status}.`, error?.field, error?.details);
}

const requestJson = <T>(path: string, init: Init = {}) => request(path, init).then((response) => (response.status === 204 ? undefined : response.json()) as Promise<T>);

const query = (range: Record<string, string | undefined>) => {
  const params = new URLSearchParams(Object.entries(range).filter(([, value]) => value) as [string, string][]);
  return params.size ? `?${params}` : '';
};

/** Calls for one signed-in organiser. */
export class AdminApi {
  constructor(readonly token: string) {}

  #json<T>(path: string, init: Init = {}): Promise<T> {
    return requestJson<T>(`/api/admin${path}`, { ...init, token: this.token });
  }

  campaigns() {
    return this.#json<{ campaigns: Campaign[] }>('/campaigns').then((body) => body.campaigns);
  }

  campaign(id: string) {
    return this.#json<{ campaign: Campaign }>(`/campaigns/${encodeURIComponent(id)}`).then((body) => body.campaign);
  }

  save(id: string | undefined, body: unknown) {
    const path = id ? `/campaigns/${encodeURIComponent(id)}` : '/campaigns';
    return this.#json<{ campaign: Campaign }>(path, { method: id ? 'PATCH' : 'POST', body: JSON.stringify(body) }).then((r) => r.campaign);
  }

  act(id: string, action: 'pause' | 'resume' | 'archive' | 'copy') {
    return this.#json<{ campaign: Campaign }>(`/campaigns/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: '{}' }).then((r) => r.campaign);
  }

  /** The newest deliveries of the campaign's webhook events, optionally of one status. */
  deliveries(id: string, status?: DeliveryStatus) {
    return this.#json<{ deliveries: Delivery[] }>(`/campaigns/${encodeURIComponent(id)}/webhook/deliveries${query({ status })}`).then((r) => r.deliveries);
  }

  /** Re-queues one failed delivery, or (without `eventId`) every failed one. */
  retry(id: string, eventId?: string) {
    const path = `/campaigns/${encodeURIComponent(id)}/webhook/deliveries${eventId ? `/${encodeURIComponent(eventId)}` : ''}/retry`;
    return this.#json<{ retried?: number }>(path, { method: 'POST', body: '{}' });
  }

  rotateSecret(id: string) {
    return this.#json<{ webhook: Webhook }>(`/campaigns/${encodeURIComponent(id)}/webhook/rotate`, { method: 'POST', body: '{}' }).then((r) => r.webhook);
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
    return this.#json<{ block: Block }>('/blocks', { method: 'POST', body: JSON.stringify(body) }).then((r) => r.block);
  }

  unblock(id: number) {
    return this.#json<void>(`/blocks/${id}`, { method: 'DELETE' });
  }

  stats(id: string, range: StatsRange = {}) {
    return this.#json<Stats>(`/campaigns/${encodeURIComponent(id)}/stats${query(range)}`);
  }

  /** The CSV as a Blob (a link cannot carry the token). */
  async csv(id: string, kind: 'targets' | 'offices' | 'calls', range: StatsRange = {}): Promise<{ blob: Blob; filename: string }> {
    const response = await request(`/api/admin/campaigns/${encodeURIComponent(id)}/stats/${kind}.csv${query(range)}`, { token: this.token });
    const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${id}-${kind}.csv`;
    return { blob: await response.blob(), filename };
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
