import { css, html, nothing, type PropertyValues } from 'lit';
import { ApiElement } from './api-element.ts';
import { type Campaign, type Delivery, type DeliveryStatus, runRequest, type Webhook, type WebhookEvent } from './api.ts';
import { base } from './styles.ts';

/** In the order a call produces them; a kind the server adds fails the typecheck until it is named here. */
const EVENT_LABELS: Record<WebhookEvent, string> = {
  'call.started': 'A call starts',
  'leg.completed': 'A call to one office ends',
  'call.completed': 'A call ends',
  'supporter.opted_in': 'A supporter asks to be called again',
};
const EVENTS = Object.entries(EVENT_LABELS) as [WebhookEvent, string][];

const SHOWN: [DeliveryStatus | '', string][] = [
  ['', 'All'],
  ['pending', 'Pending'],
  ['failed', 'Failed'],
  ['delivered', 'Delivered'],
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

/** What a delivery came to, in words: its error, its next try, or when it arrived. */
function progress(delivery: Delivery): string {
  if (delivery.status === 'delivered') return `delivered ${when(delivery.deliveredAt)}`;
  const error = delivery.lastError ?? '';
  if (delivery.status === 'pending' && delivery.nextAttemptAt) return [error, `next try ${when(delivery.nextAttemptAt)}`].filter(Boolean).join('; ');
  return error;
}

/**
 * A campaign's webhook: where its events go, which ones, whether they carry the caller's number, its
 * signing secret (whole only just after it is made), and the deliveries, with a retry for failed ones.
 * Fires `campaign-changed` with the campaign as the server now has it.
 */
export class WebhookPanel extends ApiElement {
  static override styles = [
    base,
    css`
      .secret {
        margin-bottom: 1.25rem;
      }
      .secret code {
        display: block;
        word-break: break-all;
      }
    `,
  ];

  static override properties = {
    campaign: { attribute: false },
    deliveries: { state: true },
    shown: { state: true },
    secret: { state: true },
  };
  declare campaign: Campaign;
  declare deliveries?: Delivery[];
  declare shown: DeliveryStatus | '';
  /** A secret the server just made: shown until the organiser leaves the campaign. */
  declare secret?: string;

  constructor() {
    super();
    this.shown = '';
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('campaign') && changed.get('campaign')?.id !== this.campaign.id) {
      this.secret = undefined;
      void this.refresh();
    }
  }

  /** Reloads the deliveries list. */
  async refresh() {
    await runRequest(this, () => this.#load());
  }

  async #load() {
    this.deliveries = await this.api.deliveries(this.campaign.id, this.shown || undefined);
  }

  #changed(campaign: Campaign) {
    this.dispatchEvent(new CustomEvent('campaign-changed', { detail: campaign, bubbles: true, composed: true }));
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const events = EVENTS.map(([name]) => name).filter((name) => data.has(`event:${name}`));
    // Every box ticked means every event, including kinds added later: `null` says so (and clears a narrower list).
    const webhook = { url: String(data.get('url') ?? '').trim(), events: events.length === EVENTS.length ? null : events, includePhone: data.has('includePhone') };
    await runRequest(this, async () => {
      const campaign = await this.api.save(this.campaign.id, { webhook });
      this.secret = campaign.settings.webhook?.secret ?? this.secret;
      this.notice = 'Webhook saved.';
      this.#changed(campaign);
    });
  }

  async #rotate() {
    await runRequest(this, async () => {
      const { secret, ...webhook } = await this.api.rotateSecret(this.campaign.id);
      this.secret = secret;
      this.notice = 'A new signing secret is in use from now on.';
      this.#changed({ ...this.campaign, settings: { ...this.campaign.settings, webhook } });
    });
  }

  async #remove() {
    if (!confirm('Stop sending events to this webhook? Its secret is discarded.')) return;
    await runRequest(this, async () => {
      const campaign = await this.api.save(this.campaign.id, { webhook: null });
      this.secret = undefined;
      this.notice = 'Webhook removed.';
      this.#changed(campaign);
    });
  }

  async #retry(eventId?: string) {
    await runRequest(this, async () => {
      const { retried } = await this.api.retry(this.campaign.id, eventId);
      this.notice = eventId ? 'The delivery will be tried again.' : `${retried ?? 0} failed deliveries will be tried again.`;
      await this.#load();
    });
  }

  async #show(event: Event) {
    this.shown = (event.target as HTMLSelectElement).value as DeliveryStatus | '';
    await this.refresh();
  }

  override render() {
    const webhook = this.campaign.settings.webhook;
    return html`
      <h3>Webhook</h3>
      <p class="hint">Signed POSTs of each call's events to your own systems. The README shows the payload and how to check the signature.</p>
      ${this.#renderSettings(webhook)}
      ${this.error ? html`<p class="error" role="alert">${this.error.field ? `${this.error.field}: ` : ''}${this.error.message}</p>` : nothing}
      <p role="status" aria-live="polite">${this.notice}</p>
      ${this.secret
        ? html`<div class="secret">
            <p>Signing secret. Copy it now: it is not shown again.</p>
            <code>${this.secret}</code>
          </div>`
        : nothing}
      ${this.#renderDeliveries()}
    `;
  }

  #renderSettings(webhook: Webhook | undefined) {
    const invalid = (field: string) => (this.error?.field === field ? 'true' : 'false');
    return html`
      <form @submit=${this.#save}>
        <div class="field">
          <label for="webhook-url">Webhook URL</label>
          <input id="webhook-url" name="url" type="url" required .value=${webhook?.url ?? ''} aria-invalid=${invalid('webhook.url')} aria-describedby="webhook-url-hint" />
          <p class="hint" id="webhook-url-hint">A public https address (a private one only where the server allows it).</p>
        </div>
        <fieldset aria-invalid=${invalid('webhook.events')} aria-describedby="webhook-events-hint">
          <legend>Events to send</legend>
          ${EVENTS.map(
            ([name, label]) => html`<label><input type="checkbox" name=${`event:${name}`} .checked=${!webhook?.events || webhook.events.includes(name)} /> ${label} (<code>${name}</code>)</label>`,
          )}
          <p class="hint" id="webhook-events-hint">All ticked (the default): every event, including kinds added later.</p>
        </fieldset>
        <div class="field">
          <label><input type="checkbox" name="includePhone" .checked=${webhook?.includePhone ?? false} /> Include the caller's phone number</label>
        </div>
        ${webhook ? html`<p class="hint">Signing secret ending ${webhook.secretHint}</p>` : nothing}
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${webhook ? 'Save webhook' : 'Add webhook'}</button>
          ${webhook
            ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#rotate()}>New signing secret</button>
                <button type="button" class="danger" ?disabled=${this.busy} @click=${() => this.#remove()}>Remove webhook</button>`
            : nothing}
        </div>
      </form>
    `;
  }

  #renderDeliveries() {
    const { deliveries } = this;
    return html`
      <h3>Deliveries</h3>
      <div class="row">
        <div class="field">
          <label for="deliveries-shown">Show</label>
          <select id="deliveries-shown" @change=${this.#show}>${SHOWN.map(([value, text]) => html`<option value=${value} ?selected=${value === this.shown}>${text}</option>`)}</select>
        </div>
        <div class="field">
          <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.refresh()}>Refresh</button>
        </div>
        <div class="field">
          <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#retry()}>Retry all failed</button>
        </div>
      </div>
      ${!deliveries
        ? html`<p>Loading…</p>`
        : deliveries.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label="Webhook deliveries">
              <table aria-label="Webhook deliveries">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Created</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Progress</th>
                    <th scope="col"><span class="visually-hidden">Retry</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${deliveries.map(
                    (delivery) => html`<tr data-status=${delivery.status}>
                      <td>${delivery.type}</td>
                      <td>${when(delivery.createdAt)}</td>
                      <td>${delivery.status}</td>
                      <td>${delivery.attempts}</td>
                      <td>${progress(delivery)}</td>
                      <td>
                        ${delivery.status === 'failed'
                          ? html`<button type="button" class="secondary" ?disabled=${this.busy} aria-label=${`Retry ${delivery.type} of ${when(delivery.createdAt)}`} @click=${() => this.#retry(delivery.id)}>
                              Retry
                            </button>`
                          : nothing}
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>No deliveries${this.shown ? ` ${this.shown}` : ''} yet.</p>`}
    `;
  }
}
