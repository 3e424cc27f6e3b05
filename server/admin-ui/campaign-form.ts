import { css, html, LitElement, nothing } from 'lit';
import { type AdminApi, ApiError, type Campaign, type CustomTarget } from './api.ts';
import { base } from './styles.ts';

/** Spoken prompts a campaign may override (server/calls/prompts.ts has the defaults). */
const PROMPTS: [string, string][] = [
  ['intro', 'Introduction'],
  ['pressOne', 'Press 1 prompt'],
  ['goodbye', 'Goodbye (no 1 pressed)'],
  ['skipHint', 'Skip hint'],
  ['targetIntro', 'Before each office'],
  ['between', 'Between calls'],
  ['unreachable', 'Office busy or unreachable'],
  ['thanks', 'Thank you (after the last call)'],
  ['welcome', 'Call-in: welcome'],
  ['connecting', 'Call-in: connecting'],
  ['noTargets', 'Call-in: nobody to call'],
  ['askZip', 'Call-in: ask for the ZIP code'],
  ['badZip', 'Call-in: unknown ZIP code'],
  ['askDistrict', 'Call-in: choose a district'],
  ['paused', 'Call-in: campaign paused'],
  ['closed', 'Call-in: campaign ended'],
];

type Row = Partial<CustomTarget> & { key: number };

let rowKeys = 0;
const toRows = (targets: CustomTarget[] = []): Row[] => targets.map((target) => ({ ...target, key: rowKeys++ }));

const select = (id: string, label: string, value: string, options: [string, string][]) => html`
  <div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} name=${id}>${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}</select>
  </div>
`;

const input = (id: string, label: string, value: string | undefined, attributes: { type?: string; hint?: string; required?: boolean } = {}) => html`
  <div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} name=${id} type=${attributes.type ?? 'text'} .value=${value ?? ''} ?required=${attributes.required} aria-describedby=${attributes.hint ? `${id}-hint` : nothing} />
    ${attributes.hint ? html`<p class="hint" id=${`${id}-hint`}>${attributes.hint}</p>` : nothing}
  </div>
`;

/** The form as the admin API takes it; an empty optional field is `null` (PATCH clears it). */
function campaignBody(data: FormData, rows: Row[]) {
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const orNull = (name: string) => text(name) || null;
  const prompts = Object.fromEntries(PROMPTS.map(([key]) => [key, text(`prompts.${key}`)]).filter(([, value]) => value));
  const strings = Object.fromEntries(
    text('strings')
      .split('\n')
      .map((line) => line.split('=').map((part) => part.trim()))
      .filter(([key, ...value]) => key && value.length)
      .map(([key, ...value]) => [key!, value.join('=')]),
  );
  const kind = text('nextStep.kind');
  return {
    name: text('name'),
    status: text('status'),
    locale: text('locale'),
    countries: text('countries').toUpperCase().split(/[\s,]+/).filter(Boolean),
    callerId: orNull('callerId'),
    callInNumber: orNull('callInNumber'),
    script: text('script'),
    prompts,
    strings,
    nextStep: kind ? { kind, ...(text('nextStep.url') ? { url: text('nextStep.url') } : {}), ...(text('nextStep.text') ? { text: text('nextStep.text') } : {}) } : null,
    targets: {
      congress: orNull('targets.congress'),
      order: text('targets.order'),
      customPlacement: text('targets.customPlacement'),
      office: text('targets.office'),
      split: text('targets.split'),
      max: text('targets.max') ? Number(text('targets.max')) : null,
      custom: rows.map(({ key: _key, ...row }) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '' && value !== undefined))),
    },
  };
}

/** Creates a campaign, or edits one: targets and their order, script, prompts, language, caller id, countries, status. */
export class CampaignForm extends LitElement {
  static override styles = [
    base,
    css`
      .target {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr));
        gap: 0.5rem;
        padding: 0.6rem 0;
        border-bottom: 1px solid var(--line);
      }
      .target .actions {
        margin: 0;
        grid-column: 1 / -1;
      }
      .target button {
        min-height: 2.25rem;
        padding: 0.2rem 0.6rem;
      }
    `,
  ];

  static override properties = {
    api: { attribute: false },
    campaign: { attribute: false },
    rows: { state: true },
    error: { state: true },
    saving: { state: true },
  };
  declare api: AdminApi;
  declare campaign?: Campaign;
  declare rows: Row[];
  declare error?: ApiError;
  declare saving: boolean;

  constructor() {
    super();
    this.rows = [];
    this.saving = false;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('campaign')) this.rows = toRows(this.campaign?.customTargets);
  }

  #move(index: number, by: number) {
    const rows = [...this.rows];
    const [row] = rows.splice(index, 1);
    rows.splice(index + by, 0, row!);
    this.rows = rows;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-row="${row!.key}"] [data-move="${by}"]`)?.focus());
  }

  /** A new row gets an id no other row has (the server numbers rows without one by position). */
  #add() {
    const used = new Set(this.rows.map((row) => row.id));
    let n = this.rows.length + 1;
    while (used.has(`t${n}`)) n++;
    this.rows = [...this.rows, { key: rowKeys++, id: `t${n}`, name: '', phone: '' }];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[name="targets.custom.${this.rows.length - 1}.name"]`)?.focus());
  }

  #edit(index: number, column: keyof CustomTarget, value: string) {
    this.rows = this.rows.map((row, i) => (i === index ? { ...row, [column]: value } : row));
  }

  /** A new campaign has nothing to clear: its empty optional fields are left out rather than sent as null. */
  #withoutNulls(body: ReturnType<typeof campaignBody>) {
    const drop = (object: object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
    return { ...drop(body), targets: drop(body.targets) };
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const body = campaignBody(new FormData(event.target as HTMLFormElement), this.rows);
    this.saving = true;
    this.error = undefined;
    try {
      const saved = await this.api.save(this.campaign?.id, this.campaign ? body : this.#withoutNulls(body));
      this.dispatchEvent(new CustomEvent('saved', { bubbles: true, composed: true, detail: saved }));
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
      await this.updateComplete;
      this.#markInvalid(this.error.field);
    } finally {
      this.saving = false;
    }
  }

  /** Points at the field an error names (`targets.custom.1.phone`), or the nearest one that exists. */
  #markInvalid(field = '') {
    for (const element of this.renderRoot.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
    const parts = field.split('.');
    for (let n = parts.length; n > 0; n--) {
      const element = this.renderRoot.querySelector<HTMLElement>(`[name="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
      if (element) {
        element.setAttribute('aria-invalid', 'true');
        element.setAttribute('aria-errormessage', 'form-error');
        element.focus();
        return;
      }
    }
    this.renderRoot.querySelector<HTMLElement>('#form-error')?.focus();
  }

  override render() {
    const c = this.campaign;
    const s = c?.settings;
    const t = s?.targets;
    return html`
      <form @submit=${this.#submit} novalidate>
        <h2 tabindex="-1">${c ? `Edit ${c.name}` : 'New campaign'}</h2>
        <fieldset>
          <legend>Campaign</legend>
          ${input('name', 'Name', c?.name, { required: true })}
          <div class="row">
            ${select('status', 'Status', c?.status ?? 'active', [['active', 'Active'], ['paused', 'Paused'], ['archived', 'Archived']])}
            ${select('locale', 'Language', s?.locale ?? 'en', [['en', 'English'], ['es', 'Spanish']])}
          </div>
          ${input('countries', 'Countries callers may be in', (s?.countries ?? ['US']).join(', '), { hint: 'ISO codes, e.g. US, CA' })}
          <div class="row">
            ${input('callerId', 'Caller id', s?.callerId, { type: 'tel', hint: 'One of your Twilio numbers, e.g. +12025550123; empty: the server default' })}
            ${input('callInNumber', 'Call-in number', c?.callInNumber ?? undefined, { type: 'tel', hint: 'Supporters who ring it reach this campaign' })}
          </div>
          <div class="field">
            <label for="script">Script</label>
            <textarea id="script" name="script" aria-describedby="script-hint" .value=${s?.script ?? ''}></textarea>
            <p class="hint" id="script-hint">Shown to the caller; {title} and {name} become the office being called.</p>
          </div>
        </fieldset>

        <fieldset>
          <legend>Whom to call</legend>
          <div class="row">
            ${select('targets.congress', 'Members of Congress', t?.congress ?? '', [['', 'None (own list only)'], ['both', 'Senators and representative'], ['senate', 'Senators'], ['house', 'Representative']])}
            ${select('targets.order', 'Order', t?.order ?? 'in-order', [['in-order', 'In order'], ['shuffle', 'Shuffled'], ['senate-first', 'Senate first'], ['house-first', 'House first']])}
          </div>
          <div class="row">
            ${select('targets.customPlacement', 'Own list goes', t?.customPlacement ?? 'after', [['after', 'After'], ['before', 'Before'], ['instead', 'Instead'], ['fallback', 'Only when nobody else']])}
            ${select('targets.office', 'Office', t?.office ?? 'dc', [['dc', 'Washington'], ['district', 'District']])}
            ${select('targets.split', 'ZIP in several districts', t?.split ?? 'ask', [['ask', 'Ask the caller'], ['all', 'Call every one'], ['senate', 'Senators only']])}
            ${input('targets.max', 'At most', t?.max?.toString(), { type: 'number' })}
          </div>
          <h3 id="own-list">Own list, in dialing order</h3>
          <div role="list" aria-labelledby="own-list">
            ${this.rows.map((row, i) => this.#renderRow(row, i))}
          </div>
          <div class="actions">
            <button type="button" class="secondary" @click=${this.#add}>Add an office</button>
          </div>
        </fieldset>

        <fieldset>
          <legend>After the call</legend>
          <div class="row">
            ${select('nextStep.kind', 'Next step', s?.nextStep?.kind ?? '', [['', 'Just thank them'], ['share', 'Share'], ['link', 'A link'], ['redirect', 'Go to a page'], ['again', 'Call again']])}
            ${input('nextStep.url', 'Link', s?.nextStep?.url, { type: 'url' })}
          </div>
          ${input('nextStep.text', 'Link text or message', s?.nextStep?.text)}
        </fieldset>

        <details>
          <summary>Spoken prompts and widget wording</summary>
          <fieldset>
            <legend>Spoken prompts (empty: the default)</legend>
            ${PROMPTS.map(
              ([key, label]) => html`<div class="field">
                <label for=${`prompts.${key}`}>${label}</label>
                <textarea id=${`prompts.${key}`} name=${`prompts.${key}`} rows="2" .value=${s?.prompts[key] ?? ''}></textarea>
              </div>`,
            )}
          </fieldset>
          <div class="field">
            <label for="strings">Widget wording</label>
            <textarea id="strings" name="strings" aria-describedby="strings-hint" .value=${Object.entries(s?.strings ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n')}></textarea>
            <p class="hint" id="strings-hint">One per line, e.g. <code>submit = Call now</code> or <code>es.submit = Llamar</code>.</p>
          </div>
        </details>

        <p id="form-error" class="error" role="alert" tabindex="-1">${this.error?.message ?? ''}</p>
        <div class="actions">
          <button type="submit" ?disabled=${this.saving}>${c ? 'Save changes' : 'Create campaign'}</button>
          <a class="button secondary" href=${c ? `#/c/${encodeURIComponent(c.id)}` : '#/'}>Cancel</a>
        </div>
      </form>
    `;
  }

  #renderRow(row: Row, i: number) {
    const field = (column: keyof CustomTarget, label: string, type = 'text') => {
      const id = `targets.custom.${i}.${column}`;
      return html`<div class="field">
        <label for=${id}>${label}</label>
        <input id=${id} name=${id} type=${type} .value=${row[column] ?? ''} @input=${(e: InputEvent) => this.#edit(i, column, (e.target as HTMLInputElement).value)} />
      </div>`;
    };
    const last = this.rows.length - 1;
    return html`<div class="target" role="listitem" data-row=${row.key} aria-label=${`Office ${i + 1}`}>
      ${field('name', 'Name')} ${field('title', 'Title')} ${field('phone', 'Phone', 'tel')} ${field('extension', 'Extension')}
      <div class="actions">
        <button type="button" class="secondary" data-move="-1" ?disabled=${i === 0} @click=${() => this.#move(i, -1)} aria-label=${`Move office ${i + 1} up`}>↑ Up</button>
        <button type="button" class="secondary" data-move="1" ?disabled=${i === last} @click=${() => this.#move(i, 1)} aria-label=${`Move office ${i + 1} down`}>↓ Down</button>
        <button type="button" class="danger" @click=${() => (this.rows = this.rows.filter((_, j) => j !== i))} aria-label=${`Remove office ${i + 1}`}>Remove</button>
      </div>
    </div>`;
  }
}
