import { html, LitElement, nothing } from 'lit';
import { AdminApi, ApiError, type Member, type OrgRole, type Session, sessionApi, storedToken, storeToken } from './api.ts';
import { input } from './fields.ts';
import { runRequest } from './http.ts';
import { base } from './styles.ts';

/** Who is signed in: their API (no organisation chosen yet), the organisations they may act in, and, for a member, who they are. */
export interface SignedIn {
  api: AdminApi;
  orgs: OrgRole[];
  member?: Member;
  /** The operator (the ADMIN_TOKEN), who sees every organisation and may create them. */
  operator: boolean;
}

/** A bearer token: the operator's, or an organisation's API key (`cpk_…`), which acts in its own organisation only. */
async function byToken(token: string): Promise<SignedIn> {
  const api = new AdminApi({ kind: 'token', token });
  return { api, orgs: await api.orgs(), operator: !token.startsWith('cpk_') };
}

export const bySession = ({ csrfToken, orgs, member }: Session): SignedIn => ({ api: new AdminApi({ kind: 'session', csrfToken }), orgs, member, operator: false });

/** Whoever this tab was signed in as: the token it keeps, else the session cookie; nobody if neither is accepted. */
export async function restoreSignIn(): Promise<SignedIn | undefined> {
  const token = storedToken();
  try {
    if (token) return await byToken(token);
    const session = await sessionApi.restore();
    return session.member ? bySession(session) : undefined;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      storeToken('');
      return undefined;
    }
    throw error;
  }
}

export const signedInEvent = (detail: SignedIn) => new CustomEvent<SignedIn>('signed-in', { detail, bubbles: true, composed: true });

/**
 * Signs in with an email and password (a session cookie), or with the operator's token (kept for this tab
 * only). Fires `signed-in`.
 */
export class SignIn extends LitElement {
  static override styles = base;

  static override properties = {
    message: {},
    error: { state: true },
    busy: { state: true },
  };
  /** Why sign-in is asked for again (the session ended, a token was refused). */
  declare message: string;
  declare error?: ApiError;
  declare busy: boolean;

  constructor() {
    super();
    this.message = '';
    this.busy = false;
  }

  async #withPassword(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    await runRequest(this, async () => {
      try {
        this.dispatchEvent(signedInEvent(bySession(await sessionApi.signIn(String(data.get('email') ?? '').trim(), String(data.get('password') ?? '')))));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw new ApiError(401, error.code, 'That email and password do not match an account.', 'password');
        throw error;
      }
    });
    if (this.error) await this.#focusError();
  }

  async #withToken(event: SubmitEvent) {
    event.preventDefault();
    const token = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    await runRequest(this, async () => {
      try {
        const signedIn = await byToken(token);
        storeToken(token);
        this.dispatchEvent(signedInEvent(signedIn));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw new ApiError(401, error.code, 'That token was not accepted.', 'token');
        throw error;
      }
    });
    if (this.error) await this.#focusError();
  }

  async #focusError() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  override render() {
    const error = (field: string) => (this.error?.field === field ? this.error.message : undefined);
    const other = this.error && !['password', 'token'].includes(this.error.field ?? '') ? this.error.message : '';
    return html`
      <section class="sign-in" aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading" tabindex="-1">Sign in</h2>
        ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
        ${other ? html`<p class="error" role="alert">${other}</p>` : nothing}
        <form @submit=${this.#withPassword}>
          <div class="field">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
          </div>
          ${input('password', 'Password', undefined, { type: 'password', autocomplete: 'current-password', required: true, error: error('password') })}
          <button type="submit" ?disabled=${this.busy}>Sign in</button>
        </form>
      </section>
      <section class="sign-in" aria-labelledby="token-heading">
        <h3 id="token-heading">Or sign in with the operator token</h3>
        <form @submit=${this.#withToken}>
          ${input('token', 'Admin token', undefined, {
            type: 'password',
            autocomplete: 'off',
            required: true,
            hint: "The server's ADMIN_TOKEN (printed at start in demo mode), or an API key. It is kept for this tab only.",
            error: error('token'),
          })}
          <button type="submit" class="secondary" ?disabled=${this.busy}>Sign in with the token</button>
        </form>
      </section>
    `;
  }
}
