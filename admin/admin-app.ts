import { css, html, LitElement, nothing } from 'lit';
import { AdminApi, ApiError, type Campaign, storedToken, storeToken } from './api.ts';
import type { CampaignStats } from './campaign-stats.ts';
import { base } from './styles.ts';

type Route = { view: 'list' | 'new' | 'blocks' } | { view: 'campaign' | 'edit'; id: string };

function parseRoute(hash: string): Route {
  const [, view, id, edit] = hash.replace(/^#/, '').split('/');
  if (view === 'new' || view === 'blocks') return { view };
  if (view === 'c' && id) return { view: edit === 'edit' ? 'edit' : 'campaign', id: decodeURIComponent(id) };
  return { view: 'list' };
}

/** Whether a test call needs a ZIP, as the widget decides it (server/campaigns/campaigns.ts `targetMode`). */
const needsZip = ({ settings, customTargets = [] }: Campaign) =>
  Boolean(settings.targets.congress) || customTargets.some((target) => target.state || target.district || target.zips);

const ACTIONS: Record<Campaign['status'], ['pause' | 'resume' | 'archive', string][]> = {
  active: [['pause', 'Pause'], ['archive', 'Archive']],
  paused: [['resume', 'Resume'], ['archive', 'Archive']],
  archived: [['resume', 'Reopen']],
};

/**
 * The organisers' dashboard: sign in with the admin token (kept for this tab only, in sessionStorage),
 * then campaigns, their stats, editing, a test call, the embed snippet and the webhook, and the
 * blocklist. Routes live in the URL hash.
 */
export class AdminApp extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        max-width: 64rem;
        margin: 0 auto;
        padding: 1rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
        margin-bottom: 1rem;
      }
      header h1 {
        margin: 0;
        font-size: 1.3rem;
      }
      header h1 a {
        color: inherit;
        text-decoration: none;
      }
      header nav {
        display: flex;
        align-items: center;
        gap: 1rem;
      }
      ul.campaigns {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul.campaigns li {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.6rem 0;
        border-bottom: 1px solid var(--line);
      }
      a {
        color: var(--accent);
      }
      .sign-in {
        max-width: 26rem;
      }
    `,
  ];

  static override properties = {
    api: { state: true },
    route: { state: true },
    campaigns: { state: true },
    campaign: { state: true },
    error: { state: true },
    notice: { state: true },
  };
  declare api?: AdminApi;
  declare route: Route;
  declare campaigns?: Campaign[];
  declare campaign?: Campaign;
  declare error: string;
  declare notice: string;

  readonly #onHash = () => this.#navigate();

  constructor() {
    super();
    const token = storedToken();
    this.api = token ? new AdminApi(token) : undefined;
    this.route = parseRoute(location.hash);
    this.error = '';
    this.notice = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHash);
    void this.#navigate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHash);
  }

  async #navigate() {
    this.route = parseRoute(location.hash);
    this.notice = '';
    if (!this.api) return;
    try {
      if (this.route.view === 'list') this.campaigns = await this.api.campaigns();
      if (this.route.view === 'campaign' || this.route.view === 'edit') this.campaign = await this.api.campaign(this.route.id);
      this.error = '';
    } catch (error) {
      this.#failed(error);
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2[tabindex]')?.focus();
  }

  #failed(error: unknown) {
    if (error instanceof ApiError && error.status === 401) return this.#signOut('That token was not accepted. Sign in again.');
    this.error = (error as Error).message;
  }

  async #signIn(event: SubmitEvent) {
    event.preventDefault();
    const token = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    const api = new AdminApi(token);
    try {
      this.campaigns = await api.campaigns();
    } catch (error) {
      this.error = error instanceof ApiError && error.status === 401 ? 'That token was not accepted.' : (error as Error).message;
      return;
    }
    storeToken(token);
    this.api = api;
    this.error = '';
    await this.#navigate();
  }

  #signOut(message = '') {
    storeToken('');
    this.api = undefined;
    this.campaigns = this.campaign = undefined;
    this.error = message;
  }

  async #act(action: 'pause' | 'resume' | 'archive' | 'copy') {
    try {
      const result = await this.api!.act(this.campaign!.id, action);
      if (action === 'copy') {
        location.hash = `#/c/${encodeURIComponent(result.id)}/edit`;
        return;
      }
      this.campaign = result;
      this.notice = `Campaign ${result.status === 'active' ? 'active' : result.status}.`;
    } catch (error) {
      this.#failed(error);
    }
  }

  #saved(event: CustomEvent<Campaign>) {
    this.campaign = event.detail;
    location.hash = `#/c/${encodeURIComponent(event.detail.id)}`;
  }

  #refreshStats() {
    void this.renderRoot.querySelector<CampaignStats>('cpa-campaign-stats')?.refresh();
  }

  override render() {
    return html`
      <header>
        <h1><a href="#/">call-power · campaigns</a></h1>
        ${this.api
          ? html`<nav aria-label="Dashboard">
              <a href="#/blocks" aria-current=${this.route.view === 'blocks' ? 'page' : nothing}>Blocklist</a>
              <button type="button" class="secondary" @click=${() => this.#signOut()}>Sign out</button>
            </nav>`
          : nothing}
      </header>
      <main>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.api ? this.#renderRoute() : this.#renderSignIn()}
      </main>
    `;
  }

  #renderSignIn() {
    return html`
      <form class="sign-in" @submit=${this.#signIn}>
        <h2>Sign in</h2>
        <div class="field">
          <label for="token">Admin token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby="token-hint" />
          <p class="hint" id="token-hint">The server's ADMIN_TOKEN (printed at start in demo mode). It is kept for this tab only.</p>
        </div>
        <button type="submit">Sign in</button>
      </form>
    `;
  }

  #renderRoute() {
    const { route, campaign } = this;
    switch (route.view) {
      case 'new':
        return html`<cpa-campaign-form .api=${this.api!} @saved=${this.#saved}></cpa-campaign-form>`;
      case 'blocks':
        return html`<section>
          <h2 tabindex="-1">Blocklist</h2>
          <cpa-blocklist .api=${this.api!}></cpa-blocklist>
        </section>`;
      case 'edit':
        return campaign?.id === route.id ? html`<cpa-campaign-form .api=${this.api!} .campaign=${campaign} @saved=${this.#saved}></cpa-campaign-form>` : html`<p>Loading…</p>`;
      case 'campaign':
        return campaign?.id === route.id ? this.#renderCampaign(campaign) : html`<p>Loading…</p>`;
      default:
        return this.#renderList();
    }
  }

  #renderList() {
    return html`
      <section>
        <h2 tabindex="-1">Campaigns</h2>
        <div class="actions"><a class="button" href="#/new">New campaign</a></div>
        ${this.campaigns
          ? this.campaigns.length
            ? html`<ul class="campaigns">
                ${this.campaigns.map(
                  (c) => html`<li>
                    <a href=${`#/c/${encodeURIComponent(c.id)}`}>${c.name}</a>
                    <span class=${`status status-${c.status}`}>${c.status}</span>
                  </li>`,
                )}
              </ul>`
            : html`<p>No campaigns yet.</p>`
          : html`<p>Loading…</p>`}
      </section>
    `;
  }

  #renderCampaign(campaign: Campaign) {
    const id = encodeURIComponent(campaign.id);
    return html`
      <section>
        <h2 tabindex="-1">${campaign.name} <span class=${`status status-${campaign.status}`}>${campaign.status}</span></h2>
        <p class="hint">Id <code>${campaign.id}</code></p>
        <div class="actions">
          <a class="button" href=${`#/c/${id}/edit`}>Edit</a>
          ${ACTIONS[campaign.status as Campaign['status']].map(
            ([action, label]) => html`<button type="button" class="secondary" @click=${() => this.#act(action)}>${label}</button>`,
          )}
          <button type="button" class="secondary" @click=${() => this.#act('copy')}>Copy</button>
          <span role="status" aria-live="polite">${this.notice}</span>
        </div>
      </section>
      <section>
        <cpa-campaign-stats .api=${this.api!} campaign-id=${campaign.id}></cpa-campaign-stats>
      </section>
      <section>
        <cpa-test-call campaign-id=${campaign.id} ?needs-zip=${needsZip(campaign)} @call-placed=${this.#refreshStats} @call-settled=${this.#refreshStats}></cpa-test-call>
      </section>
      <section>
        <cpa-targets-preview .api=${this.api!} .campaign=${campaign}></cpa-targets-preview>
      </section>
      <section>
        <cpa-embed-snippet campaign-id=${campaign.id}></cpa-embed-snippet>
      </section>
      <section>
        <cpa-webhook-panel .api=${this.api!} .campaign=${campaign} @campaign-changed=${(event: CustomEvent<Campaign>) => (this.campaign = event.detail)}></cpa-webhook-panel>
      </section>
    `;
  }
}
