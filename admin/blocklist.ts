import { html, nothing } from 'lit';
import { ApiElement } from './api-element.ts';
import { ApiError, type Block, runRequest } from './api.ts';
import { input } from './fields.ts';

type Kind = Block['kind'];

const KINDS: [Kind, string, string][] = [
  ['phone', 'A phone number', 'e.g. +1 415 555 0123'],
  ['ip', 'An address or range', 'e.g. 203.0.113.7 or 203.0.113.0/24'],
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

/**
 * The server's blocklist, for every campaign: numbers (kept only as keyed hashes, so never shown again)
 * and client addresses or ranges that may not place calls, each with a reason and an optional end.
 */
export class Blocklist extends ApiElement {
  static override properties = {
    blocks: { state: true },
    kind: { state: true },
  };
  declare blocks?: Block[];
  declare kind: Kind;

  constructor() {
    super();
    this.kind = 'phone';
  }

  override connectedCallback() {
    super.connectedCallback();
    void runRequest(this, async () => void (this.blocks = await this.api.blocks()));
  }

  async #add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const value = String(data.get('block-value') ?? '').trim();
    const reason = String(data.get('block-reason') ?? '').trim();
    const until = String(data.get('block-expiresAt') ?? '');
    this.notice = '';
    if (!value) {
      this.error = new ApiError(0, 'required', this.kind === 'phone' ? 'Enter the phone number to block.' : 'Enter the address or range to block.', 'value');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#block-value')?.focus();
      return;
    }
    await runRequest(this, async () => {
      const block = await this.api.block({ [this.kind]: value, ...(reason ? { reason } : {}), ...(until ? { expiresAt: new Date(until).toISOString() } : {}) });
      this.blocks = [block, ...(this.blocks ?? [])];
      this.notice = block.kind === 'phone' ? 'The number is blocked.' : `${block.ip} is blocked.`;
      form.reset();
    });
  }

  async #remove(block: Block) {
    await runRequest(this, async () => {
      await this.api.unblock(block.id);
      this.blocks = this.blocks?.filter((b) => b.id !== block.id);
      this.notice = `Removed the block of ${this.#what(block)}.`;
    });
  }

  #what = (block: Block) => (block.kind === 'ip' ? block.ip! : `a phone number (added ${when(block.createdAt)})`);

  override render() {
    const [, , example] = KINDS.find(([kind]) => kind === this.kind)!;
    // A refusal of the number or address shows under its field; `phone`/`ip` are the API's names for it.
    const valueError = this.error && ['value', 'phone', 'ip'].includes(this.error.field ?? '') ? this.error.message : undefined;
    return html`
      <p class="hint">Blocked numbers and addresses cannot place calls in any campaign. A number is kept only as a keyed hash, so it is never shown again.</p>
      <form @submit=${this.#add} novalidate>
        <fieldset>
          <legend>Block</legend>
          <div class="row" role="radiogroup" aria-label="What to block">
            ${KINDS.map(
              ([kind, label]) => html`<label
                ><input type="radio" name="kind" value=${kind} .checked=${this.kind === kind} @change=${() => (this.kind = kind)} /> ${label}</label
              >`,
            )}
          </div>
          ${input('block-value', this.kind === 'phone' ? 'Phone number' : 'IP address or CIDR range', undefined, {
            type: this.kind === 'phone' ? 'tel' : 'text',
            placeholder: example,
            required: true,
            error: valueError,
          })}
          <div class="row">
            ${input('block-reason', 'Reason', undefined, { hint: 'For other organisers; optional.' })}
            ${input('block-expiresAt', 'Until', undefined, { type: 'datetime-local', hint: 'Empty: until removed.', error: this.fieldError('expiresAt') })}
          </div>
          <button type="submit" ?disabled=${this.busy}>Block</button>
        </fieldset>
      </form>
      ${this.error && !valueError ? html`<p class="error" role="alert">${this.error.message}</p>` : nothing}
      <p role="status" aria-live="polite">${this.notice}</p>
      ${this.#renderList()}
    `;
  }

  #renderList() {
    const { blocks } = this;
    if (!blocks) return html`<p>Loading…</p>`;
    if (!blocks.length) return html`<p>Nothing is blocked.</p>`;
    return html`<div class="scroll">
      <table aria-label="Blocked numbers and addresses">
        <thead>
          <tr>
            <th scope="col">Blocked</th>
            <th scope="col">Reason</th>
            <th scope="col">Until</th>
            <th scope="col">Added</th>
            <th scope="col"><span class="visually-hidden">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          ${blocks.map(
            (block) => html`<tr>
              <td>${block.kind === 'ip' ? html`<code>${block.ip}</code>` : 'A phone number'}</td>
              <td>${block.reason}</td>
              <td>${block.expiresAt ? when(block.expiresAt) : 'Until removed'}</td>
              <td>${when(block.createdAt)}</td>
              <td><button type="button" class="danger" ?disabled=${this.busy} aria-label=${`Remove the block of ${this.#what(block)}`} @click=${() => this.#remove(block)}>Remove</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
