import { html, LitElement, nothing, type PropertyValues } from 'lit';
import styles from './call-power.styles.ts';
import {
  CallPowerCallEndedEvent,
  CallPowerCallStartedEvent,
  CallPowerErrorEvent,
  CallPowerLegEndedEvent,
  CallPowerLegStartedEvent,
  CallPowerSubmitEvent,
  CallPowerTargetsEvent,
  type TargetOutcome,
} from './events.ts';
import {
  ApiError,
  getCampaign,
  isFinal,
  lookUpTargets,
  placeCall,
  type CallSnapshot,
  type CallTarget,
  type Campaign,
  type Field,
  type Lookup,
  type PlacedCall,
} from './internal/api.ts';
import { checkPhone } from './internal/phone.ts';
import { watchCall } from './internal/progress.ts';
import { format, stringsFor, toLang, type Lang, type Strings } from './internal/strings.ts';

/** The caller's path through the widget; each phase is also a custom state, e.g. `:state(calling)`. */
export type Phase = 'idle' | 'looking-up' | 'confirm' | 'calling' | 'done' | 'error';

/** Where the script itself was loaded from: the API's default home. */
const scriptOrigin = new URL(import.meta.url).origin;
const redirectDelay = 3000;

const isActive = (status?: string) => status === 'ringing' || status === 'in-progress';
const safeUrl = (url?: string) => (url && /^https?:\/\//i.test(url) ? url : undefined);

interface ShownError {
  error: ApiError;
  retry: () => void;
  /** Whether the light-DOM fallback is worth showing again, because the campaign itself failed. */
  fallback: boolean;
}

/**
 * A click-to-call form for an advocacy campaign: the caller enters a phone number and ZIP code,
 * sees whom they will call, and is rung and bridged to each office while the script is shown.
 *
 * Content without a `slot` is fallback (e.g. a `tel:` link): it shows until the element upgrades
 * and whenever scripts are blocked, is hidden once the widget runs, and comes back if the
 * campaign cannot be loaded.
 *
 * @summary Click-to-call for advocacy campaigns.
 *
 * @attr {string} lang - `en` or `es` (a tag such as `es-MX` counts as `es`); defaults to the closest `[lang]` on the page, then the campaign's locale.
 *
 * @slot - Fallback content, shown only before the widget runs or when its campaign fails to load.
 * @slot heading - The heading; defaults to the campaign's name.
 * @slot intro - Introductory text above the form.
 * @slot thank-you - Extra content shown once the call is done (mark it `hidden` so it stays hidden before the widget runs).
 *
 * @fires {CallPowerSubmitEvent} call-power-submit - The caller sent the form. `detail`: `{ campaign, phone, zip }`, the phone in E.164. Cancelable: `preventDefault()` stops the lookup.
 * @fires {CallPowerTargetsEvent} call-power-targets - The offices were looked up (again after a district is chosen). `detail`: `{ campaign, targets, location, split, note? }`.
 * @fires {CallPowerCallStartedEvent} call-power-call-started - The server accepted the call. `detail`: `{ campaign, callId, targets }`.
 * @fires {CallPowerLegStartedEvent} call-power-leg-started - An office is being dialed. `detail`: `{ callId, target, index }`.
 * @fires {CallPowerLegEndedEvent} call-power-leg-ended - A dialed office's leg ended. `detail`: `{ callId, target, index, status, duration }`, `status` being Twilio's DialCallStatus.
 * @fires {CallPowerCallEndedEvent} call-power-call-ended - The call is over. `detail`: `{ callId, status, outcomes }`, one outcome `{ target, status, duration }` per target (`status` is `not-called` for offices never dialed). Cancelable: `preventDefault()` skips the campaign's redirect.
 * @fires {CallPowerErrorEvent} call-power-error - Something went wrong; the caller sees why, with a way to retry. `detail`: `{ code, message, status, field?, retryAfter? }`.
 *
 * @csspart form - The phone and ZIP form.
 * @csspart label - Each field's label.
 * @csspart input - The phone and ZIP inputs.
 * @csspart field-error - A message next to a field that needs fixing.
 * @csspart button - Every button (and the next-step link); secondary ones also have part `secondary`.
 * @csspart secondary - Secondary buttons, such as "Change my details".
 * @csspart status - The polite live region announcing each step.
 * @csspart error - The error message inside the status region.
 * @csspart targets - The list of offices.
 * @csspart target - One office in that list.
 * @csspart script - The campaign's script to read.
 *
 * @cssproperty --call-power-accent - Buttons, focus rings and the active office. Default `#0b57d0` (dark: `#a8c7fa`).
 * @cssproperty --call-power-accent-fg - Text on the accent color. Default `#fff` (dark: `#062e6f`).
 * @cssproperty --call-power-bg - Background. Default `#fff` (dark: `#1f1f1f`).
 * @cssproperty --call-power-fg - Text color. Default `#1f1f1f` (dark: `#e3e3e3`).
 * @cssproperty --call-power-font - Font family. Default `system-ui, sans-serif`.
 * @cssproperty --call-power-radius - Corner radius. Default `0.5rem`.
 * @cssproperty --call-power-space - Base spacing. Default `1rem`.
 *
 * @cssstate idle - The form is shown (also while the campaign loads).
 * @cssstate looking-up - The offices are being looked up.
 * @cssstate confirm - The offices are shown before calling.
 * @cssstate calling - The call is being placed or is under way.
 * @cssstate done - The call is over.
 * @cssstate error - An error is shown with a way to retry.
 */
export class CallPower extends LitElement {
  static override styles = styles;

  static override properties = {
    campaign: {},
    api: {},
    zip: {},
    layout: { reflect: true },
    lang: { reflect: true },
  };

  /** The campaign's id. */
  declare campaign?: string;
  /** Base URL of the call-power server; defaults to the origin the script was loaded from. */
  declare api?: string;
  /** A ZIP code to prefill. */
  declare zip?: string;
  /** `inline` (the default) or `compact`: the fields in one row and no intro. */
  declare layout?: 'inline' | 'compact';

  readonly #internals = this.attachInternals?.();
  #phase: Phase = 'idle';
  #campaign?: Campaign;
  #loads = 0;
  #phoneText = '';
  #zipText = '';
  #touched = { phone: false, zip: false };
  #serverErrors: Partial<Record<Field, ApiError>> = {};
  #busy = false;
  #lookup?: Lookup;
  #lookupAbort?: AbortController;
  #districts: string[] = [];
  #district = '';
  #call?: PlacedCall;
  #snapshot?: CallSnapshot;
  #legsSeen = new Map<string, 'started' | 'ended'>();
  #stopWatch?: () => void;
  #outcomes: TargetOutcome[] = [];
  #redirect?: ReturnType<typeof setTimeout>;
  #notice = '';
  #shownError?: ShownError;
  #focusWasInside = false;

  /** Where the caller is: `idle`, `looking-up`, `confirm`, `calling`, `done` or `error`, as in the custom states. */
  get phase(): Phase {
    return this.#phase;
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.#phase === 'calling' && this.#call && !this.#stopWatch) this.#watch();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopWatching();
    clearTimeout(this.#redirect);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('zip')) this.#zipText = this.zip ?? '';
    if ((changed.has('campaign') || changed.has('api')) && this.campaign) void this.#loadCampaign();
    this.#focusWasInside = this.matches(':focus-within');
  }

  protected override updated() {
    const states = this.#internals?.states;
    if (states) {
      states.clear();
      // Chromium before 125 only accepted the dashed form, `:--calling`.
      try {
        states.add(this.#phase);
      } catch {
        states.add(`--${this.#phase}`);
      }
    }
    // The view the focus was in is gone: move it to the new view's first stop, not the page's top.
    if (this.#focusWasInside && !this.matches(':focus-within')) this.#focus('[data-focus]');
    if (this.#phase === 'done') {
      // Authors mark thank-you content `hidden` so it stays hidden before upgrade; slotted, we decide.
      const slot = this.renderRoot.querySelector<HTMLSlotElement>('slot[name="thank-you"]');
      for (const el of slot?.assignedElements() ?? []) (el as HTMLElement).hidden = false;
    }
  }

  #focus(selector: string) {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  get #base() {
    return (this.api || scriptOrigin).replace(/\/+$/, '');
  }

  get #lang(): Lang {
    // The property first: Lit reflects it to the attribute only after render() has run.
    return toLang(this.lang || this.closest('[lang]')?.getAttribute('lang')) ?? this.#campaign?.locale ?? 'en';
  }

  get #strings(): Strings {
    return stringsFor(this.#lang, this.#campaign?.strings);
  }

  get #countries() {
    return (this.#campaign?.countries ?? ['US']) as [string, ...string[]];
  }

  get #needsZip() {
    return this.#campaign?.targetMode !== 'custom';
  }

  get #phoneCheck() {
    return checkPhone(this.#phoneText, this.#countries);
  }

  get #zipValid() {
    return /^\d{5}(-?\d{4})?$/.test(this.#zipText.trim());
  }

  /** The ZIP code as the API takes it: five digits, and none for campaigns that do not look targets up by place. */
  get #zip() {
    return this.#needsZip ? this.#zipText.trim().slice(0, 5) : '';
  }

  #go(phase: Phase) {
    this.#phase = phase;
    this.requestUpdate();
  }

  async #loadCampaign() {
    const load = ++this.#loads;
    this.#stopWatching();
    this.#campaign = this.#shownError = undefined;
    this.#go('idle');
    try {
      const campaign = await getCampaign(this.#base, this.campaign!);
      if (load !== this.#loads) return;
      this.#campaign = campaign;
      if (campaign.status === 'active') this.#go('idle');
      else this.#fail(new ApiError(campaign.status === 'paused' ? 'campaign_paused' : 'campaign_archived'), () => this.#loadCampaign(), true);
    } catch (error) {
      if (load === this.#loads) this.#fail(error, () => this.#loadCampaign(), true);
    }
  }

  #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.#busy) return;
    this.#touched = { phone: true, zip: true };
    this.#serverErrors = {};
    const phone = this.#phoneCheck;
    if (!phone.ok || (this.#needsZip && !this.#zipValid)) {
      this.requestUpdate();
      void this.updateComplete.then(() => this.#focus('[aria-invalid="true"]'));
    } else if (this.dispatchEvent(new CallPowerSubmitEvent({ campaign: this.campaign!, phone: phone.e164, zip: this.#zip }))) {
      this.#districts = [];
      this.#district = '';
      void this.#lookUp();
    }
  }

  async #lookUp() {
    this.#lookupAbort?.abort();
    const abort = (this.#lookupAbort = new AbortController());
    this.#busy = true;
    this.#shownError = undefined;
    this.#go(this.#phase === 'confirm' ? 'confirm' : 'looking-up');
    try {
      const lookup = await lookUpTargets(this.#base, this.campaign!, this.#zip, this.#district, abort.signal);
      if (lookup.split && !this.#districts.length) this.#districts = lookup.location?.districts ?? [];
      this.#lookup = lookup;
      this.#busy = false;
      this.#go('confirm');
      this.dispatchEvent(new CallPowerTargetsEvent({ campaign: this.campaign!, ...lookup }));
    } catch (error) {
      if (abort.signal.aborted) return;
      this.#busy = false;
      this.#fail(error, () => this.#lookUp());
    }
  }

  #chooseDistrict(event: Event) {
    this.#district = (event.target as HTMLInputElement).value;
    this.#serverErrors.district = undefined;
    void this.#lookUp();
  }

  async #placeCall() {
    const phone = this.#phoneCheck;
    if (this.#busy || !phone.ok) return;
    if (this.#districts.length > 1 && !this.#district) {
      this.#showFieldError(new ApiError('invalid_district'), 'district');
      return;
    }
    this.#busy = true;
    this.#call = this.#snapshot = undefined;
    this.#legsSeen.clear();
    this.#go('calling');
    try {
      const zip = this.#zip;
      const district = this.#district;
      this.#call = await placeCall(this.#base, this.campaign!, { phone: phone.e164, ...(zip && { zip }), ...(district && { district }) });
      this.#busy = false;
      this.dispatchEvent(new CallPowerCallStartedEvent({ campaign: this.campaign!, callId: this.#call.id, targets: this.#call.targets }));
      this.#watch();
    } catch (error) {
      this.#busy = false;
      this.#fail(error, () => this.#placeCall());
    }
  }

  #watch() {
    const call = this.#call!;
    this.#go('calling');
    this.#stopWatch = watchCall(
      this.#base,
      call.id,
      (snapshot) => this.#onSnapshot(call, snapshot),
      (error) => {
        this.#stopWatch = undefined;
        this.#fail(error, () => this.#watch());
      },
    );
  }

  #stopWatching() {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
  }

  /** Turns each snapshot of the call into leg events: the stream repeats state, events fire once. */
  #onSnapshot(call: PlacedCall, snapshot: CallSnapshot) {
    this.#snapshot = snapshot;
    for (const leg of snapshot.legs) {
      const index = call.targets.findIndex((t) => t.id === leg.targetId);
      if (index < 0) continue;
      const detail = { callId: call.id, target: call.targets[index]!, index };
      const seen = this.#legsSeen.get(leg.targetId);
      if (!seen) {
        this.#legsSeen.set(leg.targetId, 'started');
        this.dispatchEvent(new CallPowerLegStartedEvent(detail));
      }
      if (seen !== 'ended' && isFinal(leg.status)) {
        this.#legsSeen.set(leg.targetId, 'ended');
        this.dispatchEvent(new CallPowerLegEndedEvent({ ...detail, status: leg.status, duration: leg.duration }));
      }
    }
    if (isFinal(snapshot.status)) this.#end(call, snapshot);
    else this.requestUpdate();
  }

  #end(call: PlacedCall, snapshot: CallSnapshot) {
    this.#stopWatch = undefined;
    this.#outcomes = call.targets.map((target) => {
      const leg = this.#legOf(target);
      return { target, status: leg?.status ?? 'not-called', duration: leg?.duration ?? null };
    });
    const proceed = this.dispatchEvent(new CallPowerCallEndedEvent({ callId: call.id, status: snapshot.status, outcomes: this.#outcomes }));
    if (!snapshot.legs.length) {
      // No office was ever dialed: the caller never got through, so there is nothing to thank them for.
      const unanswered = snapshot.status === 'busy' || snapshot.status === 'no-answer';
      this.#fail(new ApiError(unanswered ? 'call_unanswered' : 'call_failed'), () => this.#placeCall());
      return;
    }
    const step = this.#campaign?.nextStep;
    const url = safeUrl(step?.url);
    if (proceed && step?.kind === 'redirect' && url) this.#redirect = setTimeout(() => location.assign(url), redirectDelay);
    this.#go('done');
  }

  /** Shows what is wrong next to its field, in the view that has the field, and focuses it. */
  #showFieldError(error: ApiError, field: Field) {
    this.#serverErrors[field] = error;
    this.#go(field === 'district' ? 'confirm' : 'idle');
    void this.updateComplete.then(() => this.#focus(`#${field},[name=${field}]`));
  }

  #fail(error: unknown, retry: () => void, fallback = false) {
    const apiError = error instanceof ApiError ? error : new ApiError('unknown');
    const { code, field, retryAfter, status } = apiError;
    if (field) {
      this.#showFieldError(apiError, field);
    } else {
      this.#shownError = { error: apiError, retry, fallback };
      this.#go('error');
    }
    this.dispatchEvent(new CallPowerErrorEvent({ code, message: this.#message(apiError), status, field, retryAfter }));
  }

  #message({ code, retryAfter }: ApiError, s = this.#strings): string {
    const rtf = new Intl.RelativeTimeFormat(this.#lang);
    const when =
      retryAfter === undefined ? s.later : retryAfter < 60 ? rtf.format(retryAfter || 1, 'second') : rtf.format(Math.ceil(retryAfter / 60), 'minute');
    return format(s[code], { when, phone: this.#phoneDisplay });
  }

  get #phoneDisplay() {
    const phone = this.#phoneCheck;
    return phone.ok ? phone.display : this.#phoneText;
  }

  #startOver() {
    clearTimeout(this.#redirect);
    this.#busy = false;
    this.#notice = '';
    this.#shownError = this.#redirect = undefined;
    this.#go('idle');
  }

  async #share() {
    const step = this.#campaign?.nextStep;
    const url = safeUrl(step?.url) ?? location.href;
    if (navigator.share) {
      await navigator.share({ url, text: step?.text ?? '' }).catch(() => undefined);
    } else {
      await navigator.clipboard.writeText(url);
      this.#notice = this.#strings.linkCopied;
      this.requestUpdate();
    }
  }

  #onInput(event: InputEvent) {
    const { id, value } = event.target as HTMLInputElement;
    if (id === 'phone') this.#phoneText = value;
    else this.#zipText = value;
    this.#serverErrors[id as 'phone' | 'zip'] = undefined;
    this.requestUpdate();
  }

  /** Errors show once a field is left with something in it (not while the caller is still typing it), then update live. */
  #onBlur(event: FocusEvent) {
    const { id, value } = event.target as HTMLInputElement;
    // A focused field also blurs when the form is taken down for the next view: nothing to show then.
    if (value.trim() && this.#phase === 'idle') {
      this.#touched[id as 'phone' | 'zip'] = true;
      this.requestUpdate();
    }
  }

  #fieldMessage(field: 'phone' | 'zip', s: Strings): string | undefined {
    const server = this.#serverErrors[field];
    if (server) return this.#message(server, s);
    if (!this.#touched[field]) return undefined;
    if (field === 'zip') return this.#zipValid ? undefined : s.zipInvalid;
    const phone = this.#phoneCheck;
    return phone.ok ? undefined : s[phone.problem];
  }

  #legOf(target: CallTarget) {
    return this.#snapshot?.legs.find((l) => l.targetId === target.id);
  }

  /** The office being dialed, else the next one still to call. */
  #activeTarget(): CallTarget | undefined {
    const targets = this.#call?.targets ?? [];
    return targets.find((t) => isActive(this.#legOf(t)?.status)) ?? targets.find((t) => !this.#legOf(t));
  }

  override render() {
    if (!this.campaign) return html`<slot></slot>`;
    const s = this.#strings;
    const campaign = this.#campaign;
    const shown = this.#shownError;
    const phase = this.#phase;
    return html`
      <div class="root" lang=${this.#lang}>
        <slot name="heading">${campaign ? html`<h2>${campaign.name}</h2>` : nothing}</slot>
        ${campaign && !shown && phase !== 'done' && this.layout !== 'compact' ? html`<slot name="intro"><p>${s.intro}</p></slot>` : nothing}
        ${phase === 'confirm'
          ? this.#renderConfirm(s)
          : phase === 'calling'
            ? this.#renderCalling(s)
            : phase === 'done'
              ? this.#renderDone(s)
              : !shown && campaign && this.#renderForm(s)}
        <div part="status" role="status" aria-live="polite">
          ${shown ? html`<p part="error">${this.#message(shown.error, s)}</p>` : this.#statusText(s)}
        </div>
        ${shown
          ? html`
              <div class="actions"><button part="button" data-focus @click=${shown.retry}>${s.retry}</button></div>
              ${shown.fallback ? html`<slot></slot>` : nothing}
            `
          : nothing}
      </div>
    `;
  }

  #statusText(s: Strings) {
    if (!this.#campaign) return s.loading;
    if (this.#busy && this.#phase !== 'calling') return s.lookingUp;
    if (this.#phase === 'done') {
      const reached = this.#outcomes.filter((o) => o.status === 'completed').length;
      return `${format(s.done, { count: reached, total: this.#outcomes.length })} ${this.#redirect ? s.redirecting : this.#notice}`;
    }
    if (this.#phase !== 'calling') return nothing;
    const snapshot = this.#snapshot;
    if (!snapshot || snapshot.status === 'queued') return s.placing;
    if (snapshot.status === 'ringing') return format(s.ringingYou, { phone: this.#phoneDisplay });
    const target = this.#activeTarget();
    const leg = target && this.#legOf(target);
    const name = target && `${target.title} ${target.name}`;
    return format(
      !target ? s.onTheLine : leg?.status === 'in-progress' ? s.legTalking : leg ? s.legRinging : snapshot.legs.length ? s.next : s.onTheLine,
      { name: name ?? '' },
    );
  }

  #renderField(field: 'phone' | 'zip', s: Strings, hint?: string) {
    const error = this.#fieldMessage(field, s);
    const phone = field === 'phone';
    return html`
      <div class="field">
        <label part="label" for=${field}>${phone ? s.phoneLabel : s.zipLabel}</label>
        <input
          part="input"
          id=${field}
          type=${phone ? 'tel' : 'text'}
          inputmode=${phone ? 'tel' : 'numeric'}
          autocomplete=${phone ? 'tel' : 'postal-code'}
          required
          aria-invalid=${!!error}
          aria-describedby=${[hint && `${field}-hint`, error && `${field}-error`].filter(Boolean).join(' ') || nothing}
          ?data-focus=${phone}
          .value=${phone ? this.#phoneText : this.#zipText}
          @input=${this.#onInput}
          @blur=${this.#onBlur}
        />
        ${hint ? html`<p id="${field}-hint">${hint}</p>` : nothing}
        ${error ? html`<p part="field-error" id="${field}-error">${error}</p>` : nothing}
      </div>
    `;
  }

  #renderForm(s: Strings) {
    const phone = this.#phoneCheck;
    return html`
      <form part="form" novalidate @submit=${this.#onSubmit}>
        ${this.#renderField('phone', s, phone.ok ? format(s.phoneReady, { phone: phone.display }) : s.phoneHint)}
        ${this.#needsZip ? this.#renderField('zip', s) : nothing}
        <button part="button">${s.submit}</button>
      </form>
    `;
  }

  #renderTargets(label: string, targets: readonly CallTarget[], status?: (target: CallTarget) => string | undefined) {
    const active = this.#phase === 'calling' ? this.#activeTarget() : undefined;
    return html`
      <ul part="targets" aria-label=${label}>
        ${targets.map(
          (t) => html`
            <li part="target" aria-current=${t === active && this.#legOf(t) ? 'step' : nothing}>
              <span><span class="name">${t.title} ${t.name}</span> ${[t.party, t.district || t.state].filter(Boolean).join(' · ')}</span>
              ${status ? html`<span><span class="dot"></span>${status(t)}</span>` : nothing}
            </li>
          `,
        )}
      </ul>
    `;
  }

  #renderConfirm(s: Strings) {
    const lookup = this.#lookup!;
    const district = this.#serverErrors.district;
    const error = district && this.#message(district, s);
    return html`
      <h3 tabindex="-1" data-focus>${s.targetsHeading}</h3>
      ${this.#districts.length > 1
        ? html`
            <fieldset aria-describedby=${error ? 'district-error' : nothing}>
              <legend>${s.chooseDistrict}</legend>
              ${error ? html`<p part="field-error" id="district-error">${error}</p>` : nothing}
              ${this.#districts.map(
                (d) => html`
                  <label>
                    <input type="radio" name="district" value=${d} .checked=${d === this.#district} @change=${this.#chooseDistrict} />
                    ${format(s.district, { district: d })}
                  </label>
                `,
              )}
            </fieldset>
          `
        : nothing}
      ${this.#renderTargets(s.targetsHeading, lookup.targets)}
      ${[lookup.note, ...(lookup.notes ?? [])].map((note) => (note ? html`<p>${note}</p>` : nothing))}
      <div class="actions">
        <button part="button" @click=${this.#placeCall}>${s.callNow}</button>
        <button part="button secondary" @click=${this.#startOver}>${s.back}</button>
      </div>
    `;
  }

  /** The offices with how each is doing; `fallback` names those never dialed (once the call is over). */
  #renderLegs(s: Strings, fallback?: 'not-called') {
    const targets = this.#call?.targets ?? this.#lookup?.targets ?? [];
    const next = this.#activeTarget() ?? targets[0];
    return this.#renderTargets(s.callHeading, targets, (t) => s[this.#legOf(t)?.status ?? fallback ?? (t === next ? 'pending' : 'waiting')]);
  }

  #renderCalling(s: Strings) {
    const target = this.#activeTarget() ?? this.#lookup?.targets[0];
    const script = this.#campaign?.script;
    return html`
      <h3 tabindex="-1" data-focus>${s.callHeading}</h3>
      ${this.#renderLegs(s)}
      ${script
        ? html`
            <h3>${s.scriptHeading}</h3>
            <blockquote part="script">${target ? format(script, target) : script}</blockquote>
          `
        : nothing}
    `;
  }

  #renderDone(s: Strings) {
    const step = this.#campaign?.nextStep;
    const url = safeUrl(step?.url);
    const next =
      step?.kind === 'share'
        ? html`<button part="button" @click=${this.#share}>${s.share}</button>`
        : step?.kind === 'again'
          ? html`${step.text ? html`<p>${step.text}</p>` : nothing}
              <button part="button" @click=${this.#startOver}>${s.callAgain}</button>`
          : url && html`<a part="button" href=${url}>${step!.text || s.submit}</a>`;
    return html`
      <h3 tabindex="-1" data-focus>${s.thanks}</h3>
      <slot name="thank-you"></slot>
      ${this.#renderLegs(s, 'not-called')} ${next ? html`<div class="actions">${next}</div>` : nothing}
    `;
  }

}
