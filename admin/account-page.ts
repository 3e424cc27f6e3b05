import { html, nothing } from 'lit';
import { ApiElement } from './api-element.ts';
import { ApiError, type Member } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';
import { MIN_PASSWORD, passwordProblem } from './invite-accept.ts';

/**
 * The signed-in member's account: a new password (which ends their other sessions), and signing out here
 * or everywhere. Fires `signed-out` once the server has ended the session.
 */
export class AccountPage extends ApiElement {
  static override properties = {
    member: { attribute: false },
  };
  declare member: Member;

  async #changePassword(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    this.notice = '';
    const problem = passwordProblem(text('new-password'), text('confirm-password'), ['new-password', 'confirm-password']);
    if (problem) this.error = new ApiError(0, 'invalid', problem[1], problem[0]);
    else
      await runRequest(this, async () => {
        try {
          await this.api.changePassword(text('current-password'), text('new-password'));
        } catch (error) {
          if (error instanceof ApiError && error.field === 'currentPassword') throw new ApiError(error.status, error.code, 'That is not your current password.', 'current-password');
          if (error instanceof ApiError && error.field === 'newPassword') throw new ApiError(error.status, error.code, error.message, 'new-password');
          throw error;
        }
        form.reset();
        this.notice = 'Password changed. Your other sessions have ended.';
      });
    await this.focusOutcome();
  }

  async #signOutEverywhere() {
    await runRequest(this, async () => {
      await this.api.signOutEverywhere();
      this.dispatchEvent(new CustomEvent('signed-out', { bubbles: true, composed: true, detail: 'You are signed out on every device.' }));
    });
  }

  override render() {
    const fields = ['current-password', 'new-password', 'confirm-password'];
    return html`
      <section aria-labelledby="account-heading">
        <h2 id="account-heading" tabindex="-1">Your account</h2>
        <p>${this.member.name ? html`${this.member.name}, ` : nothing}${this.member.email}</p>
        <form @submit=${this.#changePassword} novalidate>
          <fieldset>
            <legend>Change your password</legend>
            <input type="email" name="username" autocomplete="username" .value=${this.member.email} hidden />
            ${input('current-password', 'Current password', undefined, { type: 'password', autocomplete: 'current-password', required: true, error: this.fieldError('current-password') })}
            ${input('new-password', 'New password', undefined, {
              type: 'password',
              autocomplete: 'new-password',
              required: true,
              hint: `At least ${MIN_PASSWORD} characters. Your other sessions end.`,
              error: this.fieldError('new-password'),
            })}
            ${input('confirm-password', 'Confirm the new password', undefined, { type: 'password', autocomplete: 'new-password', required: true, error: this.fieldError('confirm-password') })}
            <button type="submit" ?disabled=${this.busy}>Change password</button>
          </fieldset>
        </form>
        ${this.renderError(fields)}
        <p role="status" aria-live="polite">${this.notice}</p>
        <div class="actions">
          <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#signOutEverywhere()}>Sign out everywhere</button>
        </div>
        <p class="hint">Ends every session of your account, on every device and browser, this one included.</p>
      </section>
    `;
  }
}
