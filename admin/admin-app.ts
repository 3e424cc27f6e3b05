import { css, html, LitElement, nothing } from 'lit';
import { type AdminApi, ApiError, type Campaign, type OrgRole, storedOrg, storeOrg, storeToken } from './api.ts';
import type { CampaignStats } from './campaign-stats.ts';
import { type Action, can, minimum, type Role } from './roles.ts';
import { NAV, NEEDS, parseRoute, type Route } from './routes.ts';
import { restoreSignIn, type SignedIn } from './sign-in.ts';
import { base } from './styles.ts';

/** Whether a test call needs a ZIP, as the widget decides it (server/campaigns/campaigns.ts `targetMode`). */
const needsZip = ({ settings, customTargets = [] }: Campaign) =>
  Boolean(settings.targets.congress) || customTargets.some((target) => target.state || target.district || target.zips);

const ACTIONS: Record<Campaign['status'], ['pause' | 'resume' | 'archive', string][]> = {
  active: [['pause', 'Pause'], ['archive', 'Archive']],
  paused: [['resume', 'Resume'], ['archive', 'Archive']],
  archived: [['resume', 'Reopen']],
};

/**
 * The organisers' dashboard: sign in (email and password, or the operator's token), choose the
 * organisation, then its campaigns, their stats, editing, a test call, the embed snippet and the
 * webhook, the blocklist, and for owners its members, API keys and Twilio account, and the audit log.
 * What a role may not do is not offered. Routes live in the URL hash; `#invite=<token>` opens an invite.
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
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      .org {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .org label {
        margin: 0;
      }
      .org select {
        width: auto;
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
      cpa-sign-in {
        max-width: 26rem;
      }
    `,
  ];

  static override properties = {
    signedIn: { state: true },
    orgId: { state: true },
    route: { state: true },
    campaigns: { state: true },
    campaign: { state: true },
    error: { state: true },
    notice: { state: true },
    signInMessage: { state: true },
    restoring: { state: true },
  };
  declare signedIn?: SignedIn;
  /** The organisation acted in (`CallPower-Org`), kept for this tab. */
  declare orgId: string;
  declare route: Route;
  declare campaigns?: Campaign[];
  declare campaign?: Campaign;
  declare error: string;
  declare notice: string;
  declare signInMessage: string;
  /** Until the kept token or the session cookie is checked, nothing is shown but "Loading". */
  declare restoring: boolean;

  readonly #onHash = () => this.#navigate();

  constructor() {
    super();
    this.orgId = '';
    this.route = parseRoute(location.hash);
    this.error = this.notice = this.signInMessage = '';
    this.restoring = true;
  }

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHash);
    void restoreSignIn()
      .then((signedIn) => signedIn && this.#enter(signedIn, false))
      .catch((error: Error) => (this.error = error.message))
      .finally(() => {
        this.restoring = false;
        void this.#navigate();
      });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHash);
  }

  get #api(): AdminApi | undefined {
    return this.orgId ? this.signedIn?.api.in(this.orgId) : undefined;
  }

  get #org(): OrgRole | undefined {
    return this.signedIn?.orgs.find((org) => org.id === this.orgId);
  }

  #can(action: Action) {
    return can(this.#org?.role as Role | undefined, action);
  }

  /** Signed in: the organisation kept for this tab if it is still theirs, else their first. */
  async #enter(signedIn: SignedIn, navigate = true) {
    this.signedIn = signedIn;
    this.signInMessage = this.error = '';
    const kept = storedOrg();
    this.#choose(signedIn.orgs.some((org) => org.id === kept) ? kept : (signedIn.orgs[0]?.id ?? ''));
    if (this.route.view === 'invite') history.replaceState(null, '', '#/');
    if (navigate) await this.#navigate();
  }

  #choose(orgId: string) {
    this.orgId = orgId;
    storeOrg(orgId);
    this.campaigns = this.campaign = undefined;
  }

  #switchOrg(event: Event) {
    this.#choose((event.target as HTMLSelectElement).value);
    // A campaign or member page of the last organisation means nothing in this one.
    if (this.route.view === 'list') void this.#navigate();
    else location.hash = '#/';
  }

  #orgCreated(event: CustomEvent<OrgRole>) {
    this.signedIn = { ...this.signedIn!, orgs: [...this.signedIn!.orgs, event.detail] };
    this.#choose(event.detail.id);
    location.hash = '#/members';
  }

  #orgRenamed({ detail: { id, name } }: CustomEvent<{ id: string; name: string }>) {
    this.signedIn = { ...this.signedIn!, orgs: this.signedIn!.orgs.map((org) => (org.id === id ? { ...org, name } : org)) };
  }

  async #navigate() {
    this.route = parseRoute(location.hash);
    this.notice = '';
    const api = this.#api;
    if (!api || this.restoring) return;
    try {
      if (this.route.view === 'list') this.campaigns = await api.campaigns();
      if (this.route.view === 'campaign' || this.route.view === 'edit') this.campaign = await api.campaign(this.route.id);
      this.error = '';
    } catch (error) {
      this.#failed(error);
    }
    await this.#focusHeading();
  }

  /** A new page is announced by moving focus to its heading, in the app or in the page's element. */
  async #focusHeading() {
    await this.updateComplete;
    const main = this.renderRoot.querySelector('main')!;
    for (const element of [main, ...main.children]) {
      if (element instanceof LitElement) await element.updateComplete;
      const heading = (element.shadowRoot ?? element).querySelector<HTMLElement>('h2[tabindex]');
      if (heading) return heading.focus();
    }
  }

  #failed(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      const message = this.signedIn?.api.credentials.kind === 'token' ? 'That token was not accepted. Sign in again.' : 'Your session has ended. Sign in again.';
      return this.#signedOut(message);
    }
    this.error = (error as Error).message;
  }

  async #signOut() {
    if (this.signedIn?.api.credentials.kind === 'session') await this.signedIn.api.signOut().catch(() => undefined);
    this.#signedOut('');
  }

  #signedOut(message: string) {
    storeToken('');
    storeOrg('');
    this.signedIn = undefined;
    this.orgId = '';
    this.campaigns = this.campaign = undefined;
    this.error = '';
    this.signInMessage = message;
    if (this.route.view !== 'invite') history.replaceState(null, '', '#/');
    this.route = parseRoute(location.hash);
    void this.#focusHeading();
  }

  async #act(action: 'pause' | 'resume' | 'archive' | 'copy') {
    try {
      const result = await this.#api!.act(this.campaign!.id, action);
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
    const signedIn = this.signedIn;
    return html`
      <header>
        <h1><a href="#/">call-power · campaigns</a></h1>
        ${signedIn ? this.#renderOrg(signedIn) : nothing} ${signedIn ? this.#renderNav(signedIn) : nothing}
      </header>
      <main>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.restoring
          ? html`<p>Loading…</p>`
          : this.route.view === 'invite'
            ? html`<cpa-invite-accept token=${this.route.token} @signed-in=${(event: CustomEvent<SignedIn>) => this.#enter(event.detail)}></cpa-invite-accept>`
            : signedIn
              ? this.#renderRoute(signedIn)
              : html`<cpa-sign-in message=${this.signInMessage} @signed-in=${(event: CustomEvent<SignedIn>) => this.#enter(event.detail)}></cpa-sign-in>`}
      </main>
    `;
  }

  /** The organisation acted in: a switcher when there are several (the operator sees every one). */
  #renderOrg({ orgs }: SignedIn) {
    const current = this.#org;
    if (orgs.length < 2) return current ? html`<p class="org">${current.name} <span class="hint">(${current.role})</span></p>` : nothing;
    return html`<div class="org">
      <label for="org">Organisation</label>
      <select id="org" @change=${this.#switchOrg}>
        ${orgs.map((org) => html`<option value=${org.id} ?selected=${org.id === this.orgId}>${org.name} (${org.role})</option>`)}
      </select>
    </div>`;
  }

  #renderNav({ operator, member }: SignedIn) {
    const current = (view: Route['view']) => (this.route.view === view ? 'page' : nothing);
    return html`<nav aria-label="Dashboard">
      ${NAV.filter(([, , action]) => this.#can(action)).map(([view, label]) => html`<a href=${view === 'list' ? '#/' : `#/${view}`} aria-current=${current(view)}>${label}</a>`)}
      ${operator ? html`<a href="#/orgs" aria-current=${current('orgs')}>Organisations</a>` : nothing}
      ${member ? html`<a href="#/account" aria-current=${current('account')}>Account</a>` : nothing}
      <button type="button" class="secondary" @click=${() => this.#signOut()}>Sign out</button>
    </nav>`;
  }

  #renderRoute(signedIn: SignedIn) {
    const { route, campaign } = this;
    const api = this.#api;
    if (route.view === 'account' && signedIn.member)
      return html`<cpa-account-page .api=${signedIn.api} .member=${signedIn.member} @signed-out=${(event: CustomEvent<string>) => this.#signedOut(event.detail)}></cpa-account-page>`;
    if (route.view === 'orgs' && signedIn.operator) return html`<cpa-orgs-page .api=${signedIn.api} .orgs=${signedIn.orgs} @org-created=${this.#orgCreated}></cpa-orgs-page>`;
    if (!api) return html`<p>You are not a member of any organisation. Ask an owner for an invite.</p>`;
    const needs = NEEDS[route.view];
    if (needs && !this.#can(needs)) return html`<p role="alert">This page needs the ${minimum(needs)} role; yours here is ${this.#org?.role}.</p>`;
    switch (route.view) {
      case 'new':
        return html`<cpa-campaign-form .api=${api} can-change-status @saved=${this.#saved}></cpa-campaign-form>`;
      case 'blocks':
        return html`<section>
          <h2 tabindex="-1">Blocklist</h2>
          <cpa-blocklist .api=${api}></cpa-blocklist>
        </section>`;
      case 'members':
        return html`<cpa-members-page
          .api=${api}
          org-id=${this.orgId}
          org-name=${this.#org?.name ?? nothing}
          member-id=${signedIn.member?.id ?? nothing}
          @org-renamed=${this.#orgRenamed}
        ></cpa-members-page>`;
      case 'keys':
        return html`<cpa-keys-page .api=${api} org-id=${this.orgId}></cpa-keys-page>`;
      case 'twilio':
        return html`<cpa-twilio-page .api=${api} org-id=${this.orgId}></cpa-twilio-page>`;
      case 'audit':
        return html`<cpa-audit-page .api=${api} org-id=${this.orgId}></cpa-audit-page>`;
      case 'edit':
        return campaign?.id === route.id
          ? html`<cpa-campaign-form .api=${api} .campaign=${campaign} ?can-change-status=${this.#can('changeStatus')} @saved=${this.#saved}></cpa-campaign-form>`
          : html`<p>Loading…</p>`;
      case 'campaign':
        return campaign?.id === route.id ? this.#renderCampaign(api, campaign) : html`<p>Loading…</p>`;
      default:
        return this.#renderList();
    }
  }

  #renderList() {
    return html`
      <section>
        <h2 tabindex="-1">Campaigns</h2>
        ${this.#can('createCampaign') ? html`<div class="actions"><a class="button" href="#/new">New campaign</a></div>` : nothing}
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

  #renderCampaign(api: AdminApi, campaign: Campaign) {
    const id = encodeURIComponent(campaign.id);
    const changeStatus = this.#can('changeStatus');
    return html`
      <section>
        <h2 tabindex="-1">${campaign.name} <span class=${`status status-${campaign.status}`}>${campaign.status}</span></h2>
        <p class="hint">Id <code>${campaign.id}</code></p>
        <div class="actions">
          ${this.#can('editCampaign') ? html`<a class="button" href=${`#/c/${id}/edit`}>Edit</a>` : nothing}
          ${changeStatus
            ? html`${ACTIONS[campaign.status as Campaign['status']].map(
                  ([action, label]) => html`<button type="button" class="secondary" @click=${() => this.#act(action)}>${label}</button>`,
                )}
                <button type="button" class="secondary" @click=${() => this.#act('copy')}>Copy</button>`
            : nothing}
          <span role="status" aria-live="polite">${this.notice}</span>
        </div>
      </section>
      <section>
        <cpa-campaign-stats .api=${api} campaign-id=${campaign.id}></cpa-campaign-stats>
      </section>
      <section>
        <cpa-test-call campaign-id=${campaign.id} ?needs-zip=${needsZip(campaign)} @call-placed=${this.#refreshStats} @call-settled=${this.#refreshStats}></cpa-test-call>
      </section>
      <section>
        <cpa-targets-preview .api=${api} .campaign=${campaign}></cpa-targets-preview>
      </section>
      <section>
        <cpa-embed-snippet campaign-id=${campaign.id}></cpa-embed-snippet>
      </section>
      ${this.#can('webhook')
        ? html`<section>
            <cpa-webhook-panel .api=${api} .campaign=${campaign} @campaign-changed=${(event: CustomEvent<Campaign>) => (this.campaign = event.detail)}></cpa-webhook-panel>
          </section>`
        : nothing}
    `;
  }
}
