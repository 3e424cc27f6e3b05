import { html, nothing } from 'lit';
import { OrgPage } from './api-element.ts';
import type { TwilioInput, TwilioSettings } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';

/** The form's values as the API takes them; empty optional fields are left out. */
function twilioInput(form: HTMLFormElement): TwilioInput {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const optional = (name: string) => (text(name) ? { [name]: text(name) } : {});
  return {
    accountSid: text('accountSid'),
    authToken: text('authToken'),
    ...optional('apiKeySid'),
    ...optional('apiKeySecret'),
    callerId: text('callerId'),
    ...(text('cps') ? { cps: Number(text('cps')) } : {}),
  };
}

/**
 * An organisation's own Twilio account (owner): its credentials (sealed on the server, never shown again:
 * only their last characters), caller id and calls per second, a check against Twilio before saving, and
 * the way back to the server's account.
 */
export class TwilioPage extends OrgPage {
  static override properties = {
    twilio: { state: true },
  };
  declare twilio?: TwilioSettings;

  protected override async load() {
    this.twilio = await this.api.twilio(this.orgId);
  }

  get #form() {
    return this.renderRoot.querySelector('form')!;
  }

  /** Asks Twilio about the credentials typed, or the saved ones if no token was typed. */
  async #test() {
    const body = twilioInput(this.#form);
    this.notice = '';
    await runRequest(this, async () => {
      const result = await this.api.testTwilio(this.orgId, body.authToken ? body : undefined);
      this.notice = `Twilio accepted the credentials: account “${result.friendlyName}”, ${result.status}.`;
    });
    await this.focusOutcome();
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    this.notice = '';
    await runRequest(this, async () => {
      this.twilio = await this.api.saveTwilio(this.orgId, twilioInput(form));
      form.reset();
      this.notice = 'Saved. Calls of this organisation now go through its own Twilio account.';
    });
    await this.focusOutcome();
  }

  async #clear() {
    if (!confirm("Forget this organisation's Twilio credentials and use the server's account again?")) return;
    this.notice = '';
    await runRequest(this, async () => {
      await this.api.clearTwilio(this.orgId);
      await this.load();
      this.notice = "This organisation now uses the server's Twilio account.";
    });
  }

  override render() {
    const { twilio } = this;
    const fields = ['accountSid', 'authToken', 'apiKeySid', 'apiKeySecret', 'callerId', 'cps'];
    const saved = (hint: string | null | undefined) => (twilio?.configured && hint ? `Saved: ending ${hint}. ` : '');
    return html`
      <section aria-labelledby="twilio-heading">
        <h2 id="twilio-heading" tabindex="-1">Twilio account</h2>
        ${!twilio
          ? html`<p>Loading…</p>`
          : html`<p>
                ${twilio.configured
                  ? html`Calls of this organisation go through its own Twilio account <code>${twilio.accountSid}</code>.`
                  : "This organisation uses the server's Twilio account. Enter its own to have its calls made, paced and billed there."}
              </p>
              <form @submit=${this.#save} novalidate>
                <fieldset>
                  <legend>${twilio.configured ? 'Replace the credentials' : 'Its own account'}</legend>
                  ${input('accountSid', 'Account SID', twilio.accountSid ?? undefined, { required: true, placeholder: 'AC…', autocomplete: 'off', error: this.fieldError('accountSid') })}
                  ${input('authToken', 'Auth token', undefined, {
                    type: 'password',
                    required: true,
                    autocomplete: 'off',
                    hint: `${saved(twilio.authTokenHint)}Never shown again once saved; enter it to save any change.`,
                    error: this.fieldError('authToken'),
                  })}
                  <div class="row">
                    ${input('apiKeySid', 'API key SID', twilio.apiKeySid ?? undefined, { placeholder: 'SK…', autocomplete: 'off', hint: 'Optional: calls are made with this key.', error: this.fieldError('apiKeySid') })}
                    ${input('apiKeySecret', 'API key secret', undefined, { type: 'password', autocomplete: 'off', hint: 'With the key SID.', error: this.fieldError('apiKeySecret') })}
                  </div>
                  <div class="row">
                    ${input('callerId', 'Caller id', twilio.callerId ?? undefined, { type: 'tel', required: true, hint: 'A number of this account, e.g. +12025550123.', error: this.fieldError('callerId') })}
                    ${input('cps', 'Calls per second', twilio.cps ?? undefined, { type: 'number', min: 1, max: 100, hint: "The account's rate; default 1.", error: this.fieldError('cps') })}
                  </div>
                  <div class="actions">
                    <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#test()}>Test credentials</button>
                    <button type="submit" ?disabled=${this.busy}>Save</button>
                  </div>
                </fieldset>
              </form>
              ${twilio.configured
                ? html`<div class="actions">
                    <button type="button" class="danger" ?disabled=${this.busy} @click=${() => this.#clear()}>Use the server's account</button>
                  </div>`
                : nothing}`}
        ${this.renderError(fields)}
        <p role="status" aria-live="polite">${this.notice}</p>
      </section>
    `;
  }
}
