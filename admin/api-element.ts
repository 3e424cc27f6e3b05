import { type CSSResultGroup, html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { AdminApi, ApiError } from './api.ts';
import { runRequest } from './http.ts';
import { base } from './styles.ts';

/**
 * What a dashboard element that talks to the admin API has besides what it shows: the API, the state
 * `runRequest` keeps (`busy` while a request runs, the last one's failure in `error`), and `notice`, what
 * the last action did.
 */
export class ApiElement extends LitElement {
  static override styles: CSSResultGroup = base;

  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };
  declare api: AdminApi;
  declare error?: ApiError;
  declare notice: string;
  declare busy: boolean;

  constructor() {
    super();
    this.notice = '';
    this.busy = false;
  }

  /** The failure's message if it names `field`, to show under that field. */
  protected fieldError(field: string) {
    return this.error?.field === field ? this.error.message : undefined;
  }

  /** The failure, unless it names one of `fields` (then it is shown under that field). */
  protected renderError(fields: string[]) {
    return this.error && !fields.includes(this.error.field ?? '') ? html`<p class="error" role="alert" tabindex="-1">${this.error.message}</p>` : nothing;
  }

  /** After an action, a keyboard user lands on the field its failure names, else the failure, else `done` (what it made). */
  protected async focusOutcome(done?: string) {
    const target = this.error ? '[aria-invalid="true"], [role="alert"]' : done;
    if (!target) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }
}

/** A page of one organisation (members, API keys, Twilio, audit log): it loads when given the organisation. */
export abstract class OrgPage extends ApiElement {
  static override properties: PropertyDeclarations = {
    orgId: { attribute: 'org-id' },
  };
  declare orgId: string;

  constructor() {
    super();
    this.orgId = '';
  }

  /** Forgets what the last organisation showed and loads this one's; run each time `orgId` is set. */
  protected abstract load(): Promise<void>;

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('orgId') && this.orgId) void runRequest(this, () => this.load());
  }
}
