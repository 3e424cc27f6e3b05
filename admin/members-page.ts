import { css, html, nothing } from 'lit';
import { OrgPage } from './api-element.ts';
import { ApiError, type Invite, type Member } from './api.ts';
import { copyText } from './copy.ts';
import { input, select } from './fields.ts';
import { runRequest } from './http.ts';
import { type Role, ROLE_LABELS, ROLES } from './roles.ts';
import { base } from './styles.ts';

type Row = Member & { role: Role; createdAt: string };

const ROLE_OPTIONS = ROLES.map((role) => [role, ROLE_LABELS[role]] as [string, string]);
const when = (iso: string) => new Date(iso).toLocaleString();
const who = (member: Member) => member.name || member.email;
const article = (role: Role) => (/^[aeiou]/.test(role) ? 'an' : 'a');
/** A refusal of a row's action is shown above the list, not under the invite form's field of the same name (`role`). */
const unfielded = (error: unknown) => {
  throw error instanceof ApiError ? new ApiError(error.status, error.code, error.message) : error;
};

/**
 * An organisation's name, members and pending invites (owner): rename it (fires `org-renamed`), invite by
 * email with a role (the link is shown once, to pass on: no mail is sent), change a member's role, remove a
 * member, revoke an invite.
 */
export class MembersPage extends OrgPage {
  static override styles = [
    base,
    css`
      .link code {
        display: block;
        word-break: break-all;
        margin-bottom: 0.5rem;
      }
      td select {
        width: auto;
      }
      td .row {
        flex-wrap: nowrap;
        justify-content: flex-end;
      }
    `,
  ];

  static override properties = {
    orgName: { attribute: 'org-name' },
    memberId: { attribute: 'member-id' },
    members: { state: true },
    invites: { state: true },
    link: { state: true },
  };
  /** The organisation's name as the dashboard knows it. */
  declare orgName?: string;
  /** The signed-in member, marked "you" (unset for the operator). */
  declare memberId?: string;
  declare members?: Row[];
  declare invites?: Invite[];
  /** The invite just made: its link is shown until the page is left. */
  declare link?: Invite;

  protected override async load() {
    this.link = undefined;
    await this.#refresh();
  }

  async #refresh() {
    ({ members: this.members, invites: this.invites } = await this.api.members(this.orgId));
  }

  async #rename(event: SubmitEvent) {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('org-name') ?? '').trim();
    this.notice = '';
    await runRequest(this, async () => {
      const org = await this.api.renameOrg(this.orgId, name);
      this.notice = `The organisation is now called ${org.name}.`;
      this.dispatchEvent(new CustomEvent('org-renamed', { detail: org, bubbles: true, composed: true }));
    });
    await this.focusOutcome();
  }

  async #invite(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.notice = '';
    await runRequest(this, async () => {
      this.link = await this.api.invite(this.orgId, String(data.get('invite-email') ?? '').trim(), String(data.get('invite-role')) as Role);
      form.reset();
      await this.#refresh();
    });
    await this.focusOutcome('#invite-link');
  }

  async #copy() {
    this.notice = await copyText(this.link!.url!, this.renderRoot.querySelector('#invite-link code')!);
  }

  async #setRole(member: Row) {
    const choice = this.renderRoot.querySelector<HTMLSelectElement>(`#role-${CSS.escape(member.id)}`)!;
    const role = choice.value as Role;
    await runRequest(this, async () => {
      await this.api.setRole(this.orgId, member.id, role).catch((error: unknown) => {
        // Refused (the last owner): the list shows the role they still have, not the one asked for.
        choice.value = member.role;
        return unfielded(error);
      });
      await this.#refresh();
      this.notice = `${who(member)} is now ${article(role)} ${role}.`;
    });
  }

  async #remove(member: Row) {
    if (!confirm(`Remove ${who(member)} from this organisation? They can no longer sign in to it.`)) return;
    await runRequest(this, async () => {
      await this.api.removeMember(this.orgId, member.id).catch(unfielded);
      await this.#refresh();
      this.notice = `${who(member)} was removed.`;
    });
  }

  async #revoke(invite: Invite) {
    await runRequest(this, async () => {
      await this.api.revokeInvite(this.orgId, invite.id).catch(unfielded);
      if (this.link?.id === invite.id) this.link = undefined;
      await this.#refresh();
      this.notice = `The invite for ${invite.email} no longer works.`;
    });
  }

  override render() {
    return html`
      <section aria-labelledby="members-heading">
        <h2 id="members-heading" tabindex="-1">Members</h2>
        <form @submit=${this.#rename} novalidate>
          <fieldset>
            <legend>Name</legend>
            <div class="row">
              ${input('org-name', 'Organisation name', this.orgName, { required: true, autocomplete: 'organization', error: this.fieldError('name') })}
            </div>
            <button type="submit" ?disabled=${this.busy}>Rename</button>
          </fieldset>
        </form>
        ${this.#renderMembers()}
        <form @submit=${this.#invite} novalidate>
          <fieldset>
            <legend>Invite someone</legend>
            <div class="row">
              ${input('invite-email', 'Email', undefined, { type: 'email', required: true, autocomplete: 'off', error: this.fieldError('email') })}
              ${select('invite-role', 'Role', 'viewer', ROLE_OPTIONS, { error: this.fieldError('role') })}
            </div>
            <p class="hint">No mail is sent: you get a link to pass on, shown once.</p>
            <button type="submit" ?disabled=${this.busy}>Invite</button>
          </fieldset>
        </form>
        ${this.link?.url
          ? html`<div class="link" id="invite-link" tabindex="-1">
              <p>Invite link for ${this.link.email}. Copy it now: it is not shown again.</p>
              <code>${this.link.url}</code>
              <button type="button" @click=${this.#copy}>Copy the invite link</button>
            </div>`
          : nothing}
        ${this.renderError(['email', 'role', 'name'])}
        <p role="status" aria-live="polite">${this.notice}</p>
        ${this.#renderInvites()}
      </section>
    `;
  }

  #renderMembers() {
    const { members } = this;
    if (!members) return html`<p>Loading…</p>`;
    return html`<div class="scroll">
      <table aria-label="Members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col"><span class="visually-hidden">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          ${members.map(
            (member) => html`<tr>
              <th scope="row">${member.name ? html`${member.name}<br />` : nothing}${member.email}${member.id === this.memberId ? ' (you)' : ''}</th>
              <td>
                <div class="row">
                  <select id=${`role-${member.id}`} aria-label=${`Role of ${who(member)}`}>
                    ${ROLES.map((role) => html`<option value=${role} ?selected=${role === member.role}>${role}</option>`)}
                  </select>
                  <button type="button" class="secondary" ?disabled=${this.busy} aria-label=${`Change the role of ${who(member)}`} @click=${() => this.#setRole(member)}>Change</button>
                </div>
              </td>
              <td><button type="button" class="danger" ?disabled=${this.busy} aria-label=${`Remove ${who(member)}`} @click=${() => this.#remove(member)}>Remove</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #renderInvites() {
    const { invites } = this;
    if (!invites?.length) return nothing;
    return html`<h3>Pending invites</h3>
      <div class="scroll">
        <table aria-label="Pending invites">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col"><span class="visually-hidden">Revoke</span></th>
            </tr>
          </thead>
          <tbody>
            ${invites.map(
              (invite) => html`<tr>
                <th scope="row">${invite.email}</th>
                <td>${invite.role}</td>
                <td>${when(invite.expiresAt)}</td>
                <td><button type="button" class="danger" ?disabled=${this.busy} aria-label=${`Revoke the invite for ${invite.email}`} @click=${() => this.#revoke(invite)}>Revoke</button></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}
