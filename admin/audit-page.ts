import { html, nothing } from 'lit';
import { OrgPage } from './api-element.ts';
import type { AuditEvent } from './api.ts';
import { saveBlob } from './format.ts';
import { runRequest } from './http.ts';

const ACTOR_KINDS: Record<AuditEvent['actor']['kind'], string> = { operator: 'operator', member: 'member', key: 'API key' };

const shown = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A changed field as words: `name: "Old" → "New"` when the server sends both sides, else the field and its new value. */
function describe(field: string, value: unknown): string {
  if (value && typeof value === 'object' && 'from' in value && 'to' in value) return `${field}: ${shown(value.from)} → ${shown(value.to)}`;
  return value === true || value === undefined ? field : `${field}: ${shown(value)}`;
}

/** The organisation's audit log (admin): who did what to which object, newest first, more on request, and as CSV. */
export class AuditPage extends OrgPage {
  static override properties = {
    events: { state: true },
    next: { state: true },
  };
  declare events?: AuditEvent[];
  /** The `before` of the next page; unset at the oldest event. */
  declare next?: AuditEvent['id'];

  protected override async load() {
    this.events = this.next = undefined;
    await this.#nextPage();
  }

  async #nextPage() {
    const { events, next } = await this.api.audit(this.next);
    this.events = [...(this.events ?? []), ...events];
    this.next = next;
  }

  async #more() {
    const focusAt = this.events!.length;
    await runRequest(this, () => this.#nextPage());
    // Keyboard users land on the first row that arrived, not back at the top.
    await this.updateComplete;
    this.renderRoot.querySelectorAll<HTMLElement>('tbody tr')[focusAt]?.focus();
  }

  async #download() {
    this.notice = 'Preparing the download…';
    try {
      const { blob, filename } = await this.api.auditCsv();
      saveBlob(blob, filename);
      this.notice = `Downloaded ${filename}.`;
    } catch (error) {
      this.notice = (error as Error).message;
    }
  }

  override render() {
    return html`
      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading" tabindex="-1">Audit log</h2>
        <p class="hint">Who changed what in this organisation, newest first. Secrets and phone numbers are never recorded.</p>
        <div class="actions">
          <button type="button" class="secondary" @click=${() => this.#download()}>Download CSV</button>
          <span role="status" aria-live="polite">${this.notice}</span>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error.message}</p>` : nothing} ${this.#renderEvents()}
      </section>
    `;
  }

  #renderEvents() {
    const { events } = this;
    if (!events) return html`<p>Loading…</p>`;
    if (!events.length) return html`<p>Nothing has been recorded yet.</p>`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Events">
        <table id="audit" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Object</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            ${events.map(
              (event) => html`<tr tabindex="-1" data-action=${event.action}>
                <td>${new Date(event.at).toLocaleString()}</td>
                <td>${event.actor.label} (${ACTOR_KINDS[event.actor.kind] ?? event.actor.kind})</td>
                <td><code>${event.action}</code></td>
                <td>${event.objectType}${event.objectId ? html` <code>${event.objectId}</code>` : nothing}</td>
                <td>${Object.entries(event.changes ?? {}).map(([field, value], i) => html`${i ? html`<br />` : nothing}${describe(field, value)}`)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.next !== undefined && this.next !== null
        ? html`<div class="actions"><button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#more()}>Load more</button></div>`
        : nothing}`;
  }
}
