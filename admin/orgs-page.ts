import { html, nothing } from 'lit';
import { ApiElement } from './api-element.ts';
import type { OrgRole } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';

/** The operator's list of every organisation on the server, and a form for a new one. Fires `org-created` with it. */
export class OrgsPage extends ApiElement {
  static override properties = {
    orgs: { attribute: false },
  };
  declare orgs: OrgRole[];

  constructor() {
    super();
    this.orgs = [];
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
            ${input('org-name', 'Name', undefined, { required: true, error: this.fieldError('name') })}
            <button type="submit" ?disabled=${this.busy}>Create organisation</button>
          </fieldset>
        </form>
        ${this.error && this.error.field !== 'name' ? html`<p class="error" role="alert">${this.error.message}</p>` : nothing}
      </section>
    `;
  }
}
