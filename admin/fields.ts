import { html, nothing } from 'lit';

/** What a form field may carry beyond its label: a hint, and the error that names it. */
export interface FieldOptions {
  type?: string;
  hint?: string;
  required?: boolean;
  /** The message of an error that names this field: shown under it and tied to it. */
  error?: string;
  min?: number;
  max?: number;
  placeholder?: string;
  autocomplete?: string;
  /** A `<datalist>` id to suggest values from. */
  list?: string;
  disabled?: boolean;
  onChange?: (event: Event) => void;
}

/** The ids an input's `aria-describedby` names: its hint, then its error. */
const describedBy = (id: string, { hint, error }: FieldOptions) => [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || nothing;

const after = (id: string, { hint, error }: FieldOptions) => html`
  ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : nothing}
  ${error ? html`<p class="error" id=${`${id}-error`}>${error}</p>` : nothing}
`;

export const select = (id: string, label: string, value: string, options: [string, string][], attributes: FieldOptions = {}) => html`
  <div class="field">
    <label for=${id}>${label}</label>
    <select
      id=${id}
      name=${id}
      ?disabled=${attributes.disabled}
      aria-invalid=${attributes.error ? 'true' : nothing}
      aria-describedby=${describedBy(id, attributes)}
      @change=${attributes.onChange ?? nothing}
    >
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
    </select>
    ${after(id, attributes)}
  </div>
`;

export const input = (id: string, label: string, value: string | number | undefined, attributes: FieldOptions = {}) => html`
  <div class="field">
    <label for=${id}>${label}</label>
    <input
      id=${id}
      name=${id}
      type=${attributes.type ?? 'text'}
      .value=${value?.toString() ?? ''}
      ?required=${attributes.required}
      ?disabled=${attributes.disabled}
      min=${attributes.min ?? nothing}
      max=${attributes.max ?? nothing}
      placeholder=${attributes.placeholder ?? nothing}
      autocomplete=${attributes.autocomplete ?? nothing}
      list=${attributes.list ?? nothing}
      aria-invalid=${attributes.error ? 'true' : nothing}
      aria-describedby=${describedBy(id, attributes)}
    />
    ${after(id, attributes)}
  </div>
`;

export const textarea = (id: string, label: string, value: string, attributes: FieldOptions & { rows?: number } = {}) => html`
  <div class="field">
    <label for=${id}>${label}</label>
    <textarea id=${id} name=${id} rows=${attributes.rows ?? nothing} .value=${value} aria-invalid=${attributes.error ? 'true' : nothing} aria-describedby=${describedBy(id, attributes)}></textarea>
    ${after(id, attributes)}
  </div>
`;

export const checkbox = (id: string, label: string, checked: boolean, attributes: FieldOptions = {}) => html`
  <div class="field">
    <label
      ><input
        type="checkbox"
        id=${id}
        name=${id}
        .checked=${checked}
        ?disabled=${attributes.disabled}
        aria-invalid=${attributes.error ? 'true' : nothing}
        aria-describedby=${describedBy(id, attributes)}
        @change=${attributes.onChange ?? nothing}
      />
      ${label}</label
    >
    ${after(id, attributes)}
  </div>
`;

let zones: string[] | undefined;

/** Every IANA zone the browser knows, as suggestions for a time-zone field (`list=${id}`). */
export const zoneList = (id: string) => html`<datalist id=${id}>${(zones ??= Intl.supportedValuesOf('timeZone')).map((zone) => html`<option value=${zone}></option>`)}</datalist>`;
