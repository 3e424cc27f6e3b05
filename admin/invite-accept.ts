import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { ApiError, type Invitation, sessionApi } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';
import { bySession, signedInEvent } from './sign-in.ts';
import { base } from './styles.ts';

/** The server's rule for passwords (the contract's `PUT /me/password`): checked here first so the form says so at once. */
export const MIN_PASSWORD = 10;

/** The first problem with a new password and its confirmation, as `[field, message]`, or nothing. */
export function passwordProblem(password: string, confirmation: string, [field, confirmField]: [string, string]): [string, string] | undefined {
  if (password.length < MIN_PASSWORD) return [field, `Use at least ${MIN_PASSWORD} characters.`];
  if (password !== confirmation) return [confirmField, 'The two passwords differ.'];
  return undefined;
}

/**
 * An invite link (`#invite=<token>`): whose organisation, for which email and role, and a form to set a
 * name and password, which signs the new member in. Fires `signed-in`.
 */
export class InviteAccept extends LitElement {
  static override styles = base;

  static override properties = {
    token: {},
    invitation: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare token: string;
  declare invitation?: Invitation;
  declare error?: ApiError;
  declare busy: boolean;

  constructor() {
    super();
    this.token = '';
    this.busy = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('token')) return;
    this.invitation = undefined;
    void runRequest(this, async () => {
      try {
        this.invitation = await sessionApi.invitation(this.token);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) throw new ApiError(404, error.code, 'This invite link is unknown, expired or already used. Ask for a new one.');
        throw error;
      }
    });
  }

  async #accept(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '');
    const problem = passwordProblem(text('new-password'), text('confirm-password'), ['new-password', 'confirm-password']);
    if (problem) this.error = new ApiError(0, 'invalid', problem[1], problem[0]);
    else
      await runRequest(this, async () => {
        const name = text('name').trim();
        this.dispatchEvent(signedInEvent(bySession(await sessionApi.accept(this.token, { ...(name ? { name } : {}), password: text('new-password') }))));
      });
    if (this.error) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], #invite-error')?.focus();
    }
  }

  override render() {
    const { invitation } = this;
    const error = (field: string) => (this.error?.field === field ? this.error.message : undefined);
    const fields = ['name', 'new-password', 'confirm-password', 'password'];
    return html`
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading" tabindex="-1">${invitation ? `Join ${invitation.org.name}` : 'Invitation'}</h2>
        ${invitation
          ? html`<p>
                You are invited as <strong>${invitation.role}</strong>, with the email <strong>${invitation.email}</strong>. The link works until
                ${new Date(invitation.expiresAt).toLocaleString()}.
              </p>
              <form @submit=${this.#accept} novalidate>
                ${input('name', 'Your name', undefined, { autocomplete: 'name', error: error('name') })}
                ${input('new-password', 'Password', undefined, {
                  type: 'password',
                  autocomplete: 'new-password',
                  required: true,
                  hint: `At least ${MIN_PASSWORD} characters. If you already have an account with this email, enter its password (and again below).`,
                  error: error('new-password') ?? error('password'),
                })}
                ${input('confirm-password', 'Confirm the password', undefined, { type: 'password', autocomplete: 'new-password', required: true, error: error('confirm-password') })}
                <button type="submit" ?disabled=${this.busy}>Join ${invitation.org.name}</button>
              </form>`
          : this.busy
            ? html`<p>Loading…</p>`
            : nothing}
        ${this.error && !fields.includes(this.error.field ?? '') ? html`<p id="invite-error" class="error" role="alert" tabindex="-1">${this.error.message}</p>` : nothing}
      </section>
    `;
  }
}
