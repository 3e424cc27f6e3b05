import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { type AdminApi, ApiError, type Campaign, type CustomTarget } from './api.ts';
import { campaignBody, LANGUAGES, LIMITS, type Locale, PROMPTS, type Row, toRow, WEEKDAYS, withoutNulls } from './campaign-body.ts';
import { checkbox, input, select, textarea, zoneList } from './fields.ts';
import { base } from './styles.ts';

let rowKeys = 0;
const toRows = (targets: CustomTarget[] = []): Row[] => targets.map((target) => toRow(target, rowKeys++));

/**
 * Creates a campaign, or edits every one of its settings: whom to call and in what order, its own
 * list (typed, or replaced from a CSV file), what the phone does, the call-again schedule, the abuse
 * limits, the script, the next step, spoken prompts and the widget's wording, and what it says in the
 * other language. Fires `saved`.
 */
export class CampaignForm extends LitElement {
  static override styles = [
    base,
    css`
      .target {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.5rem;
        padding: 0.6rem 0;
        border-bottom: 1px solid var(--line);
      }
      /* Room for a whole name ("Senator Catherine Cortez Masto") on a phone as on a desk. */
      .target > .field {
        flex: 1 1 8rem;
      }
      .target > .field.name {
        flex: 3 1 16rem;
      }
      .target > .field.title,
      .target > .field.zips {
        flex: 2 1 12rem;
      }
      .target .actions {
        flex-basis: 100%;
        margin: 0;
      }
      .target button {
        min-height: 2.25rem;
        padding: 0.2rem 0.6rem;
      }
      fieldset fieldset {
        background: none;
      }
      .days {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1rem;
      }
      .days label {
        min-height: 2.25rem;
        display: inline-flex;
        align-items: center;
      }
    `,
  ];

  static override properties = {
    api: { attribute: false },
    campaign: { attribute: false },
    rows: { state: true },
    error: { state: true },
    invalidField: { state: true },
    callAgain: { state: true },
    locale: { state: true },
    saving: { state: true },
    canChangeStatus: { type: Boolean, attribute: 'can-change-status' },
  };
  declare api: AdminApi;
  declare campaign?: Campaign;
  declare rows: Row[];
  declare error?: ApiError;
  /** The field the error names, or the nearest one the form has (`targets.only` for `targets.only.2`). */
  declare invalidField?: string;
  /** Whether the call-again schedule is on (its fields are disabled otherwise). */
  declare callAgain: boolean;
  /** The campaign's language as chosen in the form: the translations offered are the other ones. */
  declare locale: Locale;
  declare saving: boolean;
  /** Whether the role may pause, resume or archive (admin): an editor sees the status but cannot change it. */
  declare canChangeStatus: boolean;

  constructor() {
    super();
    this.rows = [];
    this.callAgain = false;
    this.locale = 'en';
    this.saving = false;
    this.canChangeStatus = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('campaign')) {
      this.rows = toRows(this.campaign?.customTargets);
      this.callAgain = Boolean(this.campaign?.settings.callAgain);
      this.locale = this.campaign?.settings.locale ?? 'en';
    }
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

  #edit(index: number, column: keyof Row, value: string) {
    this.rows = this.rows.map((row, i) => (i === index ? { ...row, [column]: value } : row));
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const body = campaignBody(new FormData(event.target as HTMLFormElement), this.rows, this.campaign?.settings.translations);
    this.error = this.invalidField = undefined;
    if (!body.name) return this.#refuse(new ApiError(0, 'required', 'Give the campaign a name.', 'name'));
    this.saving = true;
    try {
      const saved = await this.api.save(this.campaign?.id, this.campaign ? this.#changes(body) : withoutNulls(body));
      this.dispatchEvent(new CustomEvent('saved', { bubbles: true, composed: true, detail: saved }));
    } catch (error) {
      await this.#refuse(error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error)));
    } finally {
      this.saving = false;
    }
  }

  /** An editor changes what a campaign says and whom it calls, not whether it runs: the status is left out. */
  #changes(body: ReturnType<typeof campaignBody>) {
    return this.canChangeStatus ? body : { ...body, status: undefined };
  }

  /** Shows an error under the field it names (`targets.custom.1.phone`), or the nearest one that exists, and focuses it. */
  async #refuse(error: ApiError) {
    this.error = error;
    const parts = (error.field ?? '').split('.');
    const named = (n: number) => this.renderRoot.querySelector<HTMLElement>(`[name="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    const n = parts.findLastIndex((_, i) => named(i + 1)) + 1;
    this.invalidField = n ? parts.slice(0, n).join('.') : undefined;
    await this.updateComplete;
    (n ? named(n) : this.renderRoot.querySelector<HTMLElement>('#form-error'))?.focus();
  }

  #imported(event: CustomEvent<CustomTarget[]>) {
    this.rows = toRows(event.detail);
  }

  /** The error's message for the field it names, for the field helpers. */
  #errorFor = (id: string) => (this.invalidField === id ? this.error?.message : undefined);

  override render() {
    const c = this.campaign;
    const s = c?.settings;
    const t = s?.targets;
    const error = this.#errorFor;
    return html`
      <form @submit=${this.#submit} novalidate>
        <h2 tabindex="-1">${c ? `Edit ${c.name}` : 'New campaign'}</h2>
        <fieldset>
          <legend>Campaign</legend>
          ${input('name', 'Name', c?.name, { required: true, error: error('name') })}
          <div class="row">
            ${select('status', 'Status', c?.status ?? 'active', [['active', 'Active'], ['paused', 'Paused'], ['archived', 'Archived']], {
              disabled: !this.canChangeStatus,
              hint: this.canChangeStatus ? undefined : 'Pausing and archiving need the admin role.',
            })}
            ${select('locale', 'Language', this.locale, LANGUAGES, { onChange: (event) => (this.locale = (event.target as HTMLSelectElement).value as Locale) })}
          </div>
          ${input('countries', 'Countries callers may be in', (s?.countries ?? ['US']).join(', '), { hint: 'ISO codes, e.g. US, CA', error: error('countries') })}
          <div class="row">
            ${input('callerId', 'Caller id', s?.callerId, { type: 'tel', hint: 'One of your Twilio numbers, e.g. +12025550123; empty: the server default', error: error('callerId') })}
            ${input('callInNumber', 'Call-in number', c?.callInNumber ?? undefined, { type: 'tel', hint: 'Supporters who ring it reach this campaign', error: error('callInNumber') })}
            ${select('callerIdMode', 'Offices see', s?.callerIdMode ?? 'campaign', [['campaign', 'The campaign’s number'], ['supporter', 'The supporter’s number']], {
              hint: 'Staff who count constituents by area code see who is calling; a withheld number shows the campaign’s.',
            })}
          </div>
          ${textarea('script', 'Script', s?.script ?? '', { hint: 'Shown to the caller; {title} and {name} become the office being called.', error: error('script') })}
        </fieldset>

        <fieldset>
          <legend>Whom to call</legend>
          <div class="row">
            ${select('targets.congress', 'Members of Congress', c ? (t?.congress ?? '') : 'both', [['', 'None (own list only)'], ['both', 'Senators and representative'], ['senate', 'Senators'], ['house', 'Representative']])}
            ${select('targets.order', 'Order', t?.order ?? 'in-order', [['in-order', 'In order'], ['shuffle', 'Shuffled'], ['senate-first', 'Senate first'], ['house-first', 'House first']])}
            ${select('targets.office', 'Office', t?.office ?? 'dc', [['dc', 'Washington'], ['district', 'District']])}
          </div>
          <div class="row">
            ${select('targets.party.party', 'Party', t?.party?.party ?? '', [['', 'Any party'], ['D', 'Democrats'], ['R', 'Republicans'], ['I', 'Independents']], { hint: 'Independents count with the party they caucus with.' })}
            ${select('targets.party.mode', 'Members of that party', t?.party?.mode ?? 'first', [['first', 'Call them first'], ['only', 'Call only them']])}
          </div>
          ${textarea('targets.only', 'Only these members', (t?.only ?? []).join(', '), {
            rows: 2,
            hint: 'Bioguide ids (bioguide.congress.gov), e.g. S000033, separated by commas or spaces; empty: every member.',
            error: error('targets.only'),
          })}
          <div class="row">
            ${select('targets.split', 'ZIP in several districts', t?.split ?? 'ask', [['ask', 'Ask the caller'], ['all', 'Call every one'], ['senate', 'Senators only']])}
            ${select('targets.customPlacement', 'Own list goes', t?.customPlacement ?? 'after', [['after', 'After'], ['before', 'Before'], ['instead', 'Instead'], ['fallback', 'Only when nobody else']])}
            ${input('targets.max', 'At most', t?.max, { type: 'number', min: 1, max: 20, hint: 'Offices per call; empty: all', error: error('targets.max') })}
          </div>
          <h3 id="own-list">Own list, in dialing order</h3>
          <p class="hint">An office with a state (VT), a district (CA-12) or ZIPs (05401 05408) is offered only to callers there; without, to everyone.</p>
          <div role="list" aria-labelledby="own-list">${this.rows.map((row, i) => this.#renderRow(row, i))}</div>
          <div class="actions">
            <button type="button" class="secondary" @click=${this.#add}>Add an office</button>
          </div>
          ${c
            ? html`<cpa-targets-import .api=${this.api} campaign-id=${c.id} @imported=${this.#imported}></cpa-targets-import>`
            : html`<p class="hint">Once the campaign is created, its list can also be replaced from a CSV file.</p>`}
        </fieldset>

        ${this.#renderPhone()} ${this.#renderLimits()}

        <fieldset>
          <legend>After the call</legend>
          <div class="row">
            ${select('nextStep.kind', 'Next step', s?.nextStep?.kind ?? '', [['', 'Just thank them'], ['share', 'Share'], ['link', 'A link'], ['redirect', 'Go to a page'], ['again', 'Call again']])}
            ${input('nextStep.url', 'Link', s?.nextStep?.url, { type: 'url', error: error('nextStep.url') })}
          </div>
          ${input('nextStep.text', 'Link text or message', s?.nextStep?.text, { error: error('nextStep.text') })}
        </fieldset>

        <details ?open=${/^(prompts|strings)\b/.test(this.invalidField ?? '')}>
          <summary>Spoken prompts and widget wording</summary>
          <fieldset>
            <legend>Spoken prompts (empty: the default)</legend>
            ${PROMPTS.map(([key, label]) => textarea(`prompts.${key}`, label, s?.prompts[key] ?? '', { rows: 2, error: error(`prompts.${key}`) }))}
          </fieldset>
          ${textarea('strings', 'Widget wording', Object.entries(s?.strings ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n'), {
            hint: 'One per line, e.g. submit = Call now, or es.submit = Llamar for Spanish only.',
            error: error('strings'),
          })}
        </details>

        ${LANGUAGES.filter(([code]) => code !== this.locale).map(([code, name]) => this.#renderTranslation(code, name))}

        <p id="form-error" class="error" role="alert" tabindex="-1">${this.error?.message ?? ''}</p>
        <div class="actions">
          <button type="submit" ?disabled=${this.saving}>${c ? 'Save changes' : 'Create campaign'}</button>
          <a class="button secondary" href=${c ? `#/c/${encodeURIComponent(c.id)}` : '#/'}>Cancel</a>
        </div>
      </form>
    `;
  }

  /** What the phone does: the press-1 gate, the outcome question, and the call-again schedule. */
  #renderPhone() {
    const s = this.campaign?.settings;
    const schedule = s?.callAgain;
    const error = this.#errorFor;
    return html`
      <fieldset>
        <legend>During the call</legend>
        ${checkbox('pressOneGate', 'Ask the supporter to press 1 before connecting', s?.pressOneGate ?? true, {
          hint: 'Keeps voicemail and strangers who answer away from the offices.',
        })}
        ${checkbox('askOutcome', 'Ask how it went after each office that answered', s?.askOutcome ?? true, { hint: 'Spoke to someone, left a voicemail, or no one: shown per office in the stats.' })}
        ${input('fallbackOffices', 'Other offices to try when one is busy or does not answer', s?.fallbackOffices ?? 1, {
          type: 'number',
          min: 0,
          max: 5,
          hint: 'A member’s district offices, then Washington, before the next member; 0: none. Default 1.',
          error: error('fallbackOffices'),
        })}
        ${checkbox('preferAnsweringOffices', 'Try offices that have not been answering last', s?.preferAnsweringOffices ?? true, {
          hint: 'An office that missed at least half of its calls in the last 15 minutes is dialed after the member’s other offices.',
        })}
        ${checkbox('callAgain', 'Offer to call supporters again', this.callAgain, {
          hint: 'On the schedule below, in the time zone of the office they call unless one is set.',
          onChange: (event) => (this.callAgain = (event.target as HTMLInputElement).checked),
        })}
        <fieldset ?disabled=${!this.callAgain}>
          <legend>Call-again schedule (empty: the default)</legend>
          <fieldset aria-describedby="callAgain.days-hint">
            <legend>Days</legend>
            <div class="days">
              ${WEEKDAYS.map(
                ([day, name]) => html`<label><input type="checkbox" name="callAgain.days" value=${day} .checked=${schedule?.days.includes(day) ?? false} /> ${name}</label>`,
              )}
            </div>
            <p class="hint" id="callAgain.days-hint">None ticked: Monday to Friday.</p>
            ${error('callAgain.days') ? html`<p class="error">${error('callAgain.days')}</p>` : nothing}
          </fieldset>
          <div class="row">
            ${input('callAgain.from', 'From hour', schedule?.from, { type: 'number', min: 0, max: 23, hint: '0–23; default 10', error: error('callAgain.from') })}
            ${input('callAgain.to', 'Until hour', schedule?.to, { type: 'number', min: 1, max: 24, hint: '1–24; default 16', error: error('callAgain.to') })}
            ${input('callAgain.everyDays', 'Every … days', schedule?.everyDays, { type: 'number', min: 1, max: 60, hint: 'Default 1', error: error('callAgain.everyDays') })}
          </div>
          ${input('callAgain.timeZone', 'Time zone', schedule?.timeZone, {
            list: 'zones',
            placeholder: 'e.g. America/Chicago',
            hint: "Empty: the first office's (Washington offices are on Eastern time).",
            error: error('callAgain.timeZone'),
          })}
          ${zoneList('zones')}
        </fieldset>
      </fieldset>
    `;
  }

  /** The campaign's words for callers whose widget is in `name`; each empty one falls back to that language's default. */
  #renderTranslation(code: Locale, name: string) {
    const words = this.campaign?.settings.translations?.[code];
    const id = (key: string) => `translations.${code}.${key}`;
    const error = (key: string) => this.#errorFor(id(key));
    return html`
      <details ?open=${this.invalidField?.startsWith(id(''))}>
        <summary>In ${name}</summary>
        <fieldset>
          <legend>For callers whose widget is in ${name}</legend>
          ${textarea(id('script'), `Script (${name})`, words?.script ?? '', { hint: 'Empty: the script above.', error: error('script') })}
          ${input(id('nextStep.text'), `Link text or message (${name})`, words?.nextStep?.text, { error: error('nextStep.text') })}
          <p class="hint">Spoken prompts left empty are the defaults in ${name}.</p>
          ${PROMPTS.map(([key, label]) => textarea(id(`prompts.${key}`), `${label} (${name})`, words?.prompts?.[key] ?? '', { rows: 2, error: error(`prompts.${key}`) }))}
        </fieldset>
      </details>
    `;
  }

  #renderLimits() {
    const limits = this.campaign?.settings.limits;
    return html`
      <fieldset>
        <legend>Limits</legend>
        <p class="hint">Past a limit the widget is told to wait. Empty: the server's default.</p>
        <div class="row">${LIMITS.map(([key, label]) => input(`limits.${key}`, label, limits?.[key], { type: 'number', min: 1, error: this.#errorFor(`limits.${key}`) }))}</div>
      </fieldset>
    `;
  }

  #renderRow(row: Row, i: number) {
    const field = (column: Exclude<keyof Row, 'key'>, label: string, type = 'text') => {
      const id = `targets.custom.${i}.${column}`;
      const error = this.#errorFor(id);
      return html`<div class=${`field ${column}`}>
        <label for=${id}>${label}</label>
        <input
          id=${id}
          name=${id}
          type=${type}
          .value=${row[column] ?? ''}
          aria-invalid=${error ? 'true' : nothing}
          aria-describedby=${error ? `${id}-error` : nothing}
          @input=${(e: InputEvent) => this.#edit(i, column, (e.target as HTMLInputElement).value)}
        />
        ${error ? html`<p class="error" id=${`${id}-error`}>${error}</p>` : nothing}
      </div>`;
    };
    const last = this.rows.length - 1;
    return html`<div class="target" role="listitem" data-row=${row.key} aria-label=${`Office ${i + 1}`}>
      ${field('name', 'Name')} ${field('title', 'Title')} ${field('phone', 'Phone', 'tel')} ${field('extension', 'Extension')}
      ${field('state', 'State')} ${field('district', 'District')} ${field('zips', 'ZIPs')}
      <div class="actions">
        <button type="button" class="secondary" data-move="-1" ?disabled=${i === 0} @click=${() => this.#move(i, -1)} aria-label=${`Move office ${i + 1} up`}>↑ Up</button>
        <button type="button" class="secondary" data-move="1" ?disabled=${i === last} @click=${() => this.#move(i, 1)} aria-label=${`Move office ${i + 1} down`}>↓ Down</button>
        <button type="button" class="danger" @click=${() => (this.rows = this.rows.filter((_, j) => j !== i))} aria-label=${`Remove office ${i + 1}`}>Remove</button>
      </div>
    </div>`;
  }
}
