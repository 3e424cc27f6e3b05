/** The admin API as the dashboard uses it: same origin, `Authorization: Bearer <token>`. */
import type { CampaignStats as Stats } from '../stats/stats.ts';
import type { WebhookEventType as WebhookEvent } from '../webhooks/settings.ts';

export interface CustomTarget {
  id: string;
  name: string;
  title: string;
  phone: string;
  extension?: string;
}

export interface NextStep {
  kind: 'share' | 'link' | 'redirect' | 'again';
  url?: string;
  text?: string;
}

export interface Targeting {
  congress?: 'both' | 'senate' | 'house';
  customPlacement: 'before' | 'after' | 'instead' | 'fallback';
  order: 'in-order' | 'shuffle' | 'senate-first' | 'house-first';
  office: 'dc' | 'district';
  split: 'ask' | 'all' | 'senate';
  max?: number;
  only?: string[];
  party?: { party: 'D' | 'R' | 'I'; mode: 'first' | 'only' };
}

export interface Campaign {
  id: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  callInNumber: string | null;
  createdAt: string;
  updatedAt: string;
  settings: {
    targets: Targeting;
    script: string;
    locale: 'en' | 'es';
    countries: string[];
    prompts: Record<string, string>;
    callerId?: string;
    nextStep?: NextStep;
    strings?: Record<string, string>;
    webhook?: Webhook;
  };
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
export type { Bucket as Figures, CampaignStats as Stats, TargetStats } from '../stats/stats.ts';

export type StatsRange = {
  from?: string;
  to?: string;
  tz?: string;
};

/** A refusal the page can show next to the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'call-power-admin-token';

export const storedToken = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const storeToken = (token: string) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY));

async function request(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(rest.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; field?: string } } | null;
  throw new ApiError(response.status, body?.error?.code ?? 'unknown', body?.error?.message ?? `The server answered ${response.status}.`, body?.error?.field);
}

const requestJson = <T>(path: string, init: RequestInit & { token?: string } = {}) => request(path, init).then((response) => response.json() as Promise<T>);

const query = (range: Record<string, string | undefined>) => {
  const params = new URLSearchParams(Object.entries(range).filter(([, value]) => value) as [string, string][]);
  return params.size ? `?${params}` : '';
};

/** Calls for one signed-in organiser. */
export class AdminApi {
  constructor(readonly token: string) {}

  #json<T>(path: string, init: RequestInit = {}): Promise<T> {
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

  stats(id: string, range: StatsRange = {}) {
    return this.#json<Stats>(`/campaigns/${encodeURIComponent(id)}/stats${query(range)}`);
  }

  /** The CSV as a Blob (a link cannot carry the token). */
  async csv(id: string, kind: 'targets' | 'calls', range: StatsRange = {}): Promise<{ blob: Blob; filename: string }> {
    const response = await request(`/api/admin/campaigns/${encodeURIComponent(id)}/stats/${kind}.csv${query(range)}`, { token: this.token });
    const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${id}-${kind}.csv`;
    return { blob: await response.blob(), filename };
  }
}

/** The public API, as the widget calls it: a test call goes through exactly the supporters' path. */
export const publicApi = {
  placeCall: (campaignId: string, body: { phone: string; zip?: string }) =>
    requestJson<{ call: { id: string; status: string } }>(`/api/campaigns/${encodeURIComponent(campaignId)}/calls`, { method: 'POST', body: JSON.stringify(body) }).then(
      (body) => body.call,
    ),
  call: (id: string) =>
    requestJson<{ id: string; status: string; legs: { targetId: string; status: string; duration: number | null }[]; targets: { id: string; name: string }[] }>(
      `/api/calls/${encodeURIComponent(id)}`,
    ),
};
