import { css, html, nothing } from 'lit';
import { OrgPage } from './api-element.ts';
import type { ApiKey } from './api.ts';
import { copyText } from './copy.ts';
import { input, select } from './fields.ts';
import { runRequest } from './http.ts';
import { type Role, ROLE_LABELS, ROLES } from './roles.ts';
import { base } from './styles.ts';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : 'Never');

/**
 * An organisation's API keys (owner): for scripts and integrations, each with a name and a role. The
 * secret is shown once, when the key is made; revoking one stops it at once.
 */
export class KeysPage extends OrgPage {
  static override styles = [
    base,
    css`
      .secret code {
        display: block;
        word-break: break-all;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  static override properties = {
    keys: { state: true },
    created: { state: true },
  };
  declare keys?: ApiKey[];
  /** The key just made, with its secret, shown until the page is left. */
  declare created?: ApiKey;

  protected override async load() {
    this.created = undefined;
    this.keys = await this.api.keys(this.orgId);
  }

  async #create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.notice = '';
    await runRequest(this, async () => {
      this.created = await this.api.createKey(this.orgId, String(data.get('key-name') ?? '').trim(), String(data.get('key-role')) as Role);
      form.reset();
      this.keys = await this.api.keys(this.orgId);
    });
    await this.focusOutcome('#key-secret');
  }

  async #copy() {
    this.notice = await copyText(this.created!.secret!, this.renderRoot.querySelector('#key-secret code')!);
  }

  async #revoke(key: ApiKey) {
    if (!confirm(`Revoke the key “${key.name}”? Anything using it stops working at once.`)) return;
    await runRequest(this, async () => {
      await this.api.revokeKey(this.orgId, key.id);
      if (this.created?.id === key.id) this.created = undefined;
      this.keys = await this.api.keys(this.orgId);
      this.notice = `The key “${key.name}” is revoked.`;
    });
  }

  override render() {
    return html`
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" tabindex="-1">API keys</h2>
        <p class="hint">A key acts in this organisation with its role: send it as <code>Authorization: Bearer &lt;key&gt;</code> to /api/admin.</p>
        ${this.#renderKeys()}
        <form @submit=${this.#create} novalidate>
          <fieldset>
            <legend>New key</legend>
            <div class="row">
              ${input('key-name', 'Name', undefined, { required: true, hint: 'What uses it, e.g. “CRM sync”.', error: this.fieldError('name') })}
              ${select('key-role', 'Role', 'viewer', ROLES.map((role) => [role, ROLE_LABELS[role]]), { error: this.fieldError('role') })}
            </div>
            <button type="submit" ?disabled=${this.busy}>Create key</button>
          </fieldset>
        </form>
        ${this.created?.secret
          ? html`<div class="secret" id="key-secret" tabindex="-1">
              <p>The secret of “${this.created.name}”. Copy it now: it is not shown again.</p>
              <code>${this.created.secret}</code>
              <button type="button" @click=${this.#copy}>Copy the key</button>
            </div>`
          : nothing}
        ${this.renderError(['name', 'role'])}
        <p role="status" aria-live="polite">${this.notice}</p>
      </section>
    `;
  }

  #renderKeys() {
    const { keys } = this;
    if (!keys) return html`<p>Loading…</p>`;
    if (!keys.length) return html`<p>No keys yet.</p>`;
    return html`<div class="scroll">
      <table aria-label="API keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Ends with</th>
            <th scope="col">Last used</th>
            <th scope="col"><span class="visually-hidden">Revoke</span></th>
          </tr>
        </thead>
        <tbody>
          ${keys.map(
            (key) => html`<tr>
              <th scope="row">${key.name}</th>
              <td>${key.role}</td>
              <td><code>${key.hint}</code></td>
              <td>${when(key.lastUsedAt)}</td>
              <td><button type="button" class="danger" ?disabled=${this.busy} aria-label=${`Revoke the key ${key.name}`} @click=${() => this.#revoke(key)}>Revoke</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
