import assert from 'node:assert/strict';

/**
 * An admin API client over a real socket, signed in one of the three ways: the operator's token, an API key,
 * or a member's session (cookie + CSRF token, as the dashboard does).
 */
export class AdminClient {
  cookie?: string;
  csrfToken?: string;
  org?: string;

  constructor(
    readonly base: string,
    readonly bearer?: string,
  ) {}

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.base}/api/admin${path}`, {
      method,
      headers: {
        ...(this.bearer ? { Authorization: `Bearer ${this.bearer}` } : {}),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(this.csrfToken && !['GET', 'HEAD'].includes(method) ? { 'X-CSRF-Token': this.csrfToken } : {}),
        ...(this.org ? { 'CallPower-Org': this.org } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!.endsWith('=') ? undefined : setCookie.split(';')[0];
    return response;
  }

  /** The JSON of a request that must answer `status`. */
  async expect(status: number, method: string, path: string, body?: unknown) {
    const response = await this.send(method, path, body);
    const text = await response.text();
    assert.equal(response.status, status, `${method} ${path}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async signIn(email: string, password: string) {
    const session = await this.expect(200, 'POST', '/session', { email, password });
    this.csrfToken = session.csrfToken;
    return session;
  }
}

/** The operator makes an organisation and invites its first owner, who accepts: a signed-in owner. */
export async function orgWithOwner(base: string, operator: AdminClient, name: string, email: string, password = 'correct horse battery') {
  const { org } = await operator.expect(201, 'POST', '/orgs', { name });
  const owner = new AdminClient(base);
  const { invite } = await operator.expect(201, 'POST', `/orgs/${org.id}/invites`, { email, role: 'owner' });
  const token = new URL(invite.url).hash.replace('#invite=', '');
  const session = await owner.expect(200, 'POST', `/invites/${token}/accept`, { password, name: 'Owner' });
  owner.csrfToken = session.csrfToken;
  return { org, owner };
}
