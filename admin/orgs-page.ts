import { html, LitElement, nothing } from 'lit';
import type { AdminApi, ApiError, OrgRole } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';
import { base } from './styles.ts';

/** The operator's list of every organisation on the server, and a form for a new one. Fires `org-created` with it. */
export class OrgsPage extends LitElement {
  static override styles = base;

  static override properties = {
    api: { attribute: false },
    orgs: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };
  declare api: AdminApi;
  declare orgs: OrgRole[];
  declare error?: ApiError;
  declare busy: boolean;

  constructor() {
    super();
    this.orgs = [];
    this.busy = false;
  }

  async #create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = String(new FormData(form).get('org-name') ?? '').trim();
    await runRequest(this, async () => {
      const org = await this.api.createOrg(name);
      form.reset();
      this.dispatchEvent(new CustomEvent('org-created', { detail: { ...org, role: 'owner' } satisfies OrgRole, bubbles: true, composed: true }));
    });
  }

  override render() {
    return html`
      <section aria-labelledby="orgs-heading">
        <h2 id="orgs-heading" tabindex="-1">Organisations</h2>
        <p class="hint">Every organisation on this server. As the operator you are an owner of each; the switcher above changes which one you act in.</p>
        <ul>
          ${this.orgs.map((org) => html`<li>${org.name} <code>${org.id}</code></li>`)}
        </ul>
        <form @submit=${this.#create}>
          <fieldset>
            <legend>New organisation</legend>
            ${input('org-name', 'Name', undefined, { required: true, error: this.error?.field === 'name' ? this.error.message : undefined })}
            <button type="submit" ?disabled=${this.busy}>Create organisation</button>
          </fieldset>
        </form>
        ${this.error && this.error.field !== 'name' ? html`<p class="error" role="alert">${this.error.message}</p>` : nothing}
      </section>
    `;
  }
}
