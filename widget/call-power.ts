// One file on purpose, past STYLE's ~400 lines: the minifier shortens private #fields but never property
// names, so moving state into controllers and views costs ~530 bytes gzipped, more than the 20 KB embed
// budget leaves (measured: a clean split builds to 20,731 bytes). Helpers without state live in internal/.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import styles from './call-power.styles.ts';
import { CallPowerEvent, type CallPowerEventDetails } from './events.ts';
import {
  ApiError,
  getCampaign,
  getCount,
  isFinal,
  lookUpTargets,
  placeCall,
  reportOutcome,
  type CallSnapshot,
  type CallTarget,
  type Campaign,
  type Count,
  type Field,
  type Lookup,
  type Meta,
  type NextStep,
  type Outcome,
  type PlacedCall,
} from './internal/api.ts';
import { checkPhone } from './internal/phone.ts';
import { whileVisible } from './internal/poll.ts';
import { watchCall } from './internal/progress.ts';
import { cleanMeta, validRef } from './internal/referral.ts';
import { format, stringsFor, toLang, type Lang, type StringKey, type Strings } from './internal/strings.ts';

/** The caller's path through the widget; each phase is also a custom state, e.g. `:state(calling)`. */
export type Phase = 'idle' | 'looking-up' | 'confirm' | 'calling' | 'done' | 'error';

/** Where the script itself was loaded from: the API's default home. */
const scriptOrigin = new URL(import.meta.url).origin;
const redirectDelay = 3000;
/** How often a shown counter asks for the live total (the server caches it a few seconds). */
const countEvery = 15000;
const outcomes: Outcome[] = ['spoke', 'voicemail', 'unavailable'];
/** Share links for browsers without the Web Share API; `{url}` and `{text}` are filled in, encoded. */
const shareLinks = {
  WhatsApp: 'https://wa.me/?text={text}%20{url}',
  Facebook: 'https://www.facebook.com/sharer/sharer.php?u={url}',
  X: 'https://x.com/intent/post?text={text}&url={url}',
  Bluesky: 'https://bsky.app/intent/compose?text={text}%20{url}',
  email: 'mailto:?body={text}%20{url}',
};

/** A rate-limited caller is offered "Try again" only when the wait is shorter than this many seconds. */
const retryWithin = 300;
/** A wait in seconds as the caller reads it: seconds under a minute, minutes under an hour and a half, else hours. */
const inUnits = (seconds: number): [number, Intl.RelativeTimeFormatUnit] =>
  seconds < 60 ? [seconds || 1, 'second'] : seconds < 5400 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
/** Whether an office answered: Twilio reports `answered` rather than `completed` in some hang-ups. */
const answered = (status?: string) => status === 'completed' || status === 'answered';
const safeUrl = (url?: string) => (url && /^https?:\/\//i.test(url) ? url : undefined);

interface ShownError {
  error: ApiError;
  /** Left out when trying again would only fail again for a while (a limit that resets in hours). */
  retry?: () => void;
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
 * Each call carries a referral code (the `ref` attribute, else the page URL's `?ref=`) and the
 * host page's metadata: the element's `data-*` attributes (`data-source="newsletter"` is
 * `{ source: "newsletter" }`) merged under the `meta` property.
 *
 * The widget shows its form at full size from its first render, while the campaign loads. So that
 * the page does not shift when the script arrives, give the fallback the same room, e.g.
 * `call-power:not(:defined) { display: block; min-height: 24.25rem }` (the demo page's: measure yours).
 *
 * @summary Click-to-call for advocacy campaigns.
 *
 * @attr {string} lang - `en` or `es` (a tag such as `es-MX` counts as `es`); defaults to the closest `[lang]` on the page, then the campaign's locale.
 *
 * @slot - Fallback content, shown only before the widget runs or when its campaign fails to load.
 * @slot heading - The heading; defaults to the campaign's name.
 * @slot intro - Introductory text above the form.
 * @slot thank-you - Extra content shown once the call is done (mark it `hidden` so it stays hidden before the widget runs).
 * @slot next - The host page's own next step, such as a sign-up form, shown after the campaign's once the call is done (mark it `hidden` too).
 *
 * @fires {CallPowerSubmitEvent} call-power-submit - The caller sent the form. `detail`: `{ campaign, phone, zip }`, the phone in E.164. Cancelable: `preventDefault()` stops the lookup.
 * @fires {CallPowerTargetsEvent} call-power-targets - The offices were looked up (again after a district is chosen). `detail`: `{ campaign, targets, location, split, note? }`.
 * @fires {CallPowerCallStartedEvent} call-power-call-started - The server accepted the call. `detail`: `{ campaign, callId, targets }`.
 * @fires {CallPowerLegStartedEvent} call-power-leg-started - An office is being dialed. `detail`: `{ callId, target, index }`.
 * @fires {CallPowerLegEndedEvent} call-power-leg-ended - A dialed office's leg ended. `detail`: `{ callId, target, index, status, duration }`, `status` being Twilio's DialCallStatus.
 * @fires {CallPowerOutcomeEvent} call-power-outcome - The server recorded how a call to an office went, as the caller said with the widget's buttons. A choice made during the call can be changed until the call ends and is sent then; one made after is sent at once. `detail`: `{ callId, target, index, outcome }`, `outcome` (`spoke`, `voicemail` or `unavailable`) as the server recorded it: the first report wins, so it may be one keyed in on the phone.
 * @fires {CallPowerCallEndedEvent} call-power-call-ended - The call is over. `detail`: `{ callId, status, legs }`, one `{ targetId, name, status, duration, outcome }` per target (`status` is `not-called` for offices never dialed, `outcome` is null until the caller says). Cancelable: `preventDefault()` skips the campaign's redirect.
 * @fires {CallPowerErrorEvent} call-power-error - Something went wrong; the caller sees why, with a way to retry. `detail`: `{ code, message, status, field?, retryAfter? }`.
 *
 * @csspart form - The phone and ZIP form.
 * @csspart label - Each field's label (and the call-again checkbox's).
 * @csspart input - The phone and ZIP inputs.
 * @csspart field-error - A message next to a field that needs fixing.
 * @csspart button - Every button (and the next-step and share links); secondary ones also have part `secondary`.
 * @csspart secondary - Secondary buttons, such as "Change my details", the outcome buttons and the share links.
 * @csspart outcome - The buttons that say how a call to an office went (one tab stop per office; arrow keys move between them); the chosen one has `aria-pressed="true"`.
 * @csspart status - The polite live region announcing each step.
 * @csspart error - The error message inside the status region.
 * @csspart count - The live count of calls (with `show-count`).
 * @csspart targets - The list of offices.
 * @csspart target - One office in that list.
 * @csspart script - The campaign's script to read.
 *
 * @cssproperty --call-power-accent - Buttons, focus rings and the active office. Default `#0b57d0` (dark: `#a8c7fa`; see `theme`).
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
    ref: {},
    meta: { attribute: false },
    showCount: { type: Boolean, attribute: 'show-count' },
    countScope: { attribute: 'count-scope' },
    theme: { reflect: true },
  };

  /** The campaign's id. */
  declare campaign?: string;
  /** Base URL of the call-power server; defaults to the origin the script was loaded from. */
  declare api?: string;
  /** A ZIP code to prefill. */
  declare zip?: string;
  /** `inline` (the default) or `compact`: the fields in one row and no intro. */
  declare layout?: 'inline' | 'compact';
  /** Referral code stored with each call (letters, digits, `_` and `-`, up to 64); defaults to the page URL's `?ref=`. An invalid code is left out, not an error. */
  declare ref?: string;
  /** Host-page metadata stored with each call, e.g. `{ source: 'newsletter' }`: string, number or boolean values, winning over `data-*` attributes. Up to 20 keys of 40 letters, digits, `_` or `-` (starting with a letter) and strings of 200: the rest is left out. */
  declare meta?: Meta;
  /** Shows the campaign's live count, refreshed every 15 seconds while the page is visible and when the caller's call ends: the `count` string, whose `{count}` is the calls that reached an office and `{calls}` the calls started. */
  declare showCount?: boolean;
  /** `ref` counts only the calls with the widget's referral code (when it has one); by default the whole campaign's. */
  declare countScope?: 'campaign' | 'ref';
  /** `light` or `dark` colors, or `auto` to follow the OS; by default the host page's `color-scheme` (light when the page sets none). */
  declare theme?: 'light' | 'dark' | 'auto';

  readonly #internals = this.attachInternals?.();
  #phase: Phase = 'idle';
  #campaign?: Campaign;
  #loads = 0;
  #phoneText = '';
  #zipText = '';
  /** The call-again checkbox. */
  #again = false;
  #touched = { phone: false, zip: false };
  #serverErrors: Partial<Record<Field, ApiError>> = {};
  #busy = false;
  #lookup?: Lookup;
  #lookupAbort?: AbortController;
  #districts: NonNullable<Lookup['choices']> = [];
  #district = '';
  #call?: PlacedCall;
  #snapshot?: CallSnapshot;
  #legsSeen = new Map<string, 'started' | 'ended'>();
  /** Outcomes chosen with the buttons, by target id: held while the call lasts, then sent (see `#choose`). */
  #said = new Map<string, Outcome>();
  #stopWatch?: () => void;
  /** The server could not be reached since the last snapshot: the call view may be stale. */
  #lost = false;
  #redirect?: ReturnType<typeof setTimeout>;
  #notice = '';
  #shownError?: ShownError;
  #focusWasInside = false;
  #count?: Count;
  #stopCount?: () => void;
  /** The figure when this caller's call ended, and the first different one after it: announced once. */
  #countBefore?: number;
  #countNews?: Count;

  /** Where the caller is: `idle`, `looking-up`, `confirm`, `calling`, `done` or `error`, as in the custom states. */
  get phase(): Phase {
    return this.#phase;
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.#phase === 'calling' && this.#call && !this.#stopWatch) this.#watch();
    if (this.hasUpdated) this.#watchCount();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopWatching();
    this.#stopCount?.();
    clearTimeout(this.#redirect);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('zip')) this.#zipText = this.zip ?? '';
    // A new language reads the campaign again (its script and next step may be translated), but not mid-call.
    if ((changed.has('campaign') || changed.has('api') || (changed.has('lang') && this.#phase === 'idle')) && this.campaign) void this.#loadCampaign();
    if ((['campaign', 'api', 'showCount', 'countScope', 'ref'] as const).some((key) => changed.has(key))) this.#watchCount();
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
      // Authors mark this content `hidden` so it stays hidden before upgrade; slotted, we decide.
      for (const slot of this.renderRoot.querySelectorAll<HTMLSlotElement>('slot[name=thank-you],slot[name=next]')) {
        for (const el of slot.assignedElements()) (el as HTMLElement).hidden = false;
      }
    }
  }

  #emit<K extends keyof CallPowerEventDetails>(type: K, detail: CallPowerEventDetails[K]) {
    return this.dispatchEvent(new CallPowerEvent(type, detail));
  }

  #focus(selector: string) {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  get #base() {
    return (this.api || scriptOrigin).replace(/\/+$/, '');
  }

  /** The page's language for the widget, if it says one we speak. */
  get #pageLang() {
    // The property first: Lit reflects it to the attribute only after render() has run.
    return toLang(this.lang || this.closest('[lang]')?.getAttribute('lang'));
  }

  get #lang(): Lang {
    return this.#pageLang ?? this.#campaign?.locale ?? 'en';
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

  get #ref() {
    return validRef(this.ref ?? new URLSearchParams(location.search).get('ref'));
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
      const campaign = await getCampaign(this.#base, this.campaign!, this.#pageLang);
      if (load !== this.#loads) return;
      this.#campaign = campaign;
      if (campaign.status === 'active') this.#go('idle');
      else this.#fail(new ApiError(campaign.status === 'paused' ? 'campaign_paused' : 'campaign_archived'), () => this.#loadCampaign(), true);
    } catch (error) {
      if (load === this.#loads) this.#fail(error, () => this.#loadCampaign(), true);
    }
  }

  /** (Re)starts the live counter as the attributes say. */
  #watchCount() {
    this.#stopCount?.();
    this.#count = undefined;
    this.#stopCount = this.showCount && this.campaign && this.isConnected ? whileVisible(() => this.#refreshCount(), countEvery) : undefined;
  }

  async #refreshCount(fresh?: boolean) {
    const campaign = this.campaign!;
    try {
      const count = await getCount(this.#base, campaign, this.countScope === 'ref' ? this.#ref : undefined, fresh);
      if (campaign !== this.campaign) return;
      this.#count = count;
      if (this.#phase === 'done' && !this.#countNews && this.#countBefore !== count.completed) this.#countNews = count;
      this.requestUpdate();
    } catch {
      // A counter that cannot refresh keeps its last figure until the next try.
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
    } else if (this.#emit('call-power-submit', { campaign: this.campaign!, phone: phone.e164, zip: this.#zip })) {
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
      const lookup = await lookUpTargets(this.#base, this.campaign!, this.#zip, this.#district, this.#lang, abort.signal);
      if (lookup.split && !this.#districts.length) this.#districts = lookup.choices ?? [];
      this.#lookup = lookup;
      this.#busy = false;
      this.#go('confirm');
      this.#emit('call-power-targets', { campaign: this.campaign!, ...lookup });
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
    this.#call = this.#snapshot = this.#countNews = undefined;
    this.#lost = false;
    this.#legsSeen.clear();
    this.#said.clear();
    this.#go('calling');
    try {
      // Empty values are left out: JSON has no undefined.
      this.#call = await placeCall(this.#base, this.campaign!, {
        phone: phone.e164,
        zip: this.#zip || undefined,
        district: this.#district || undefined,
        ref: this.#ref,
        meta: cleanMeta(this.meta, this.dataset),
        // Only when the campaign offers it; still only a wish until the person who answers presses 1.
        callAgain: (this.#again && !!this.#campaign?.callAgain) || undefined,
        lang: this.#lang,
      });
      this.#busy = false;
      this.#emit('call-power-call-started', { campaign: this.campaign!, callId: this.#call.id, targets: this.#call.targets });
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
      () => {
        this.#lost = true;
        this.requestUpdate();
      },
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
    this.#lost = false;
    for (const leg of snapshot.legs) {
      const index = call.targets.findIndex((t) => t.id === leg.targetId);
      if (index < 0) continue;
      const detail = { callId: call.id, target: call.targets[index]!, index };
      const seen = this.#legsSeen.get(leg.targetId);
      if (!seen) {
        this.#legsSeen.set(leg.targetId, 'started');
        this.#emit('call-power-leg-started', detail);
      }
      if (seen !== 'ended' && isFinal(leg.status)) {
        this.#legsSeen.set(leg.targetId, 'ended');
        this.#emit('call-power-leg-ended', { ...detail, status: leg.status, duration: leg.duration });
      }
    }
    if (isFinal(snapshot.status)) this.#end(call, snapshot);
    else this.requestUpdate();
  }

  #end(call: PlacedCall, snapshot: CallSnapshot) {
    this.#stopWatch = undefined;
    const proceed = this.#emit('call-power-call-ended', {
      callId: call.id,
      status: snapshot.status,
      legs: call.targets.map((target) => {
        const leg = this.#legOf(target);
        return { targetId: target.id, name: target.name, status: leg?.status ?? 'not-called', duration: leg?.duration ?? null, outcome: this.#outcomeOf(target) ?? null };
      }),
    });
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
    this.#countBefore = this.#count?.completed;
    if (this.#stopCount) void this.#refreshCount(true);
    for (const [id, outcome] of this.#said) {
      const target = call.targets.find((t) => t.id === id)!;
      if (!this.#legOf(target)?.outcome) void this.#send(target, outcome);
    }
  }

  #outcomeOf(target: CallTarget) {
    return this.#legOf(target)?.outcome ?? this.#said.get(target.id);
  }

  /** Whether the outcome of `target` is settled: stored on the server, or sent once the call ended. */
  #settled(target: CallTarget) {
    return !!this.#legOf(target)?.outcome || (this.#phase === 'done' && this.#said.has(target.id));
  }

  /**
   * An outcome button. The server keeps the first report, so a choice made during the call is only
   * held, and a mis-tap can be changed until the call ends (`#end` sends it then); after the call a
   * choice is sent at once. One keyed in on the phone is stored first, and shown instead.
   */
  #choose(target: CallTarget, outcome: Outcome) {
    if (this.#settled(target)) return;
    this.#said.set(target.id, outcome);
    this.#notice = '';
    if (this.#phase === 'done') void this.#send(target, outcome);
    this.requestUpdate();
  }

  async #send(target: CallTarget, outcome: Outcome) {
    const call = this.#call!;
    const index = call.targets.indexOf(target);
    try {
      outcome = (await reportOutcome(this.#base, call.id, index, outcome)).outcome ?? outcome;
      // The caller may have started another call meanwhile: the event still tells the page.
      if (call === this.#call) this.#said.set(target.id, outcome);
      this.#emit('call-power-outcome', { callId: call.id, target, index, outcome });
    } catch (error) {
      if (call === this.#call) this.#said.delete(target.id);
      this.#fail(error);
    }
    this.requestUpdate();
  }

  /** Shows what is wrong next to its field, in the view that has the field, and focuses it. */
  #showFieldError(error: ApiError, field: Field) {
    this.#serverErrors[field] = error;
    this.#go(field === 'district' ? 'confirm' : 'idle');
    void this.updateComplete.then(() => this.#focus(`#${field},[name=${field}]`));
  }

  /** Reports an error: next to its field, as the error view with `retry`, or without one as a notice in the current view. */
  #fail(error: unknown, retry?: () => void, fallback = false) {
    const apiError = error instanceof ApiError ? error : new ApiError('unknown');
    const { code, field, retryAfter, status } = apiError;
    const message = this.#message(apiError);
    if (field) {
      this.#showFieldError(apiError, field);
    } else if (retry) {
      this.#shownError = { error: apiError, retry: (retryAfter ?? 0) > retryWithin ? undefined : retry, fallback };
      this.#go('error');
    } else {
      this.#notice = message;
    }
    this.#emit('call-power-error', { code, message, status, field, retryAfter });
  }

  #message({ code, retryAfter, reason, limit }: ApiError, s = this.#strings): string {
    const when = retryAfter === undefined ? s.later : new Intl.RelativeTimeFormat(this.#lang).format(...inUnits(retryAfter));
    // Each limit in the caller's terms (`rate_limited_phone`…); the network's, and any other, is the plain `rate_limited`.
    return format(s[`${code}_${reason}` as StringKey] ?? s[code], { when, limit, phone: this.#phoneDisplay });
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

  get #targets() {
    return this.#call?.targets ?? this.#lookup?.targets ?? [];
  }

  /** The office the phone is on, being connected to it or asking how it went; never one the server has only queued. */
  #activeTarget(): CallTarget | undefined {
    const snapshot = this.#snapshot;
    return this.#phase === 'calling' && (snapshot?.phase === 'office' || snapshot?.phase === 'outcome') ? this.#targets[snapshot.phaseLeg!] : undefined;
  }

  /** The next office still to call, after the active one. */
  #nextTarget(active: CallTarget | undefined) {
    return this.#targets.find((t) => t !== active && !isFinal(this.#legOf(t)?.status ?? 'queued'));
  }

  #countText(s: Strings, { calls, completed }: Count) {
    return format(s.count, { count: completed.toLocaleString(this.#lang), calls: calls.toLocaleString(this.#lang) });
  }

  override render() {
    if (!this.campaign) return html`<slot></slot>`;
    const s = this.#strings;
    const campaign = this.#campaign;
    const shown = this.#shownError;
    const phase = this.#phase;
    const count = this.#count;
    // The form shows at once (taking input, its button disabled until the campaign has loaded), so that
    // loading the campaign moves nothing on the page.
    return html`
      <div class="root" lang=${this.#lang}>
        <slot name="heading">${campaign || !shown ? html`<h2>${campaign?.name ?? s.loading}</h2>` : nothing}</slot>
        ${this.showCount ? html`<p part="count">${count ? this.#countText(s, count) : '\u00a0'}</p>` : nothing}
        ${!shown && phase !== 'done' && this.layout !== 'compact' ? html`<slot name="intro"><p>${s.intro}</p></slot>` : nothing}
        ${phase === 'confirm'
          ? this.#renderConfirm(s)
          : phase === 'calling'
            ? this.#renderCalling(s)
            : phase === 'done'
              ? this.#renderDone(s)
              : shown
                ? nothing
                : this.#renderForm(s)}
        <div part="status" role="status" aria-live="polite">
          ${shown ? html`<p part="error" tabindex="-1" ?data-focus=${!shown.retry}>${this.#message(shown.error, s)}</p>` : this.#statusText(s)}
        </div>
        ${shown?.retry ? html`<div class="actions"><button part="button" data-focus @click=${shown.retry}>${s.retry}</button></div>` : nothing}
        ${shown?.fallback ? html`<slot></slot>` : nothing}
      </div>
    `;
  }

  #statusText(s: Strings) {
    const phase = this.#phase;
    if (this.#busy && phase !== 'calling') return s.lookingUp;
    if (phase !== 'calling' && phase !== 'done') return nothing;
    const news = this.#countNews;
    // Apart, so that a screen reader announces a notice or a new count rather than the whole region again.
    return html`${phase === 'done' ? this.#doneText(s) : this.#lost ? s.reconnecting : this.#progressText(s)} ${this.#notice} ${news ? this.#countText(s, news) : ''}`;
  }

  /** Offices reached: those that answered, less any the caller said no one answered at. */
  #doneText(s: Strings) {
    const targets = this.#targets;
    const reached = targets.filter((t) => answered(this.#legOf(t)?.status) && this.#outcomeOf(t) !== 'unavailable').length;
    return `${format(s.done, { count: reached, total: targets.length })} ${this.#redirect ? s.redirecting : ''}`;
  }

  /** What the phone is doing, from the call's `phase` (the legs alone run ahead of it). */
  #progressText(s: Strings) {
    const snapshot = this.#snapshot;
    if (!snapshot || snapshot.status === 'queued') return s.placing;
    const { phase } = snapshot;
    const target = this.#activeTarget();
    const leg = target && this.#legOf(target);
    const status = leg?.status;
    // A leg that ended reads as it did until the phone moves on (to the outcome question, or the next office).
    const talking = status === 'in-progress' || answered(status);
    const key = phase === 'calling' ? 'ringingYou' : phase === 'office' ? (talking ? 'legTalking' : leg?.attempt ? 'legTrying' : 'legRinging') : (phase as StringKey);
    return format(s[key] ?? '', { name: target && `${target.title} ${target.name}`, phone: this.#phoneDisplay, office: leg?.office });
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
    const again = this.#campaign?.callAgain;
    return html`
      <form part="form" novalidate @submit=${this.#onSubmit}>
        ${this.#renderField('phone', s, phone.ok ? format(s.phoneReady, { phone: phone.display }) : s.phoneHint)}
        ${this.#needsZip ? this.#renderField('zip', s) : nothing}
        ${again
          ? html`
              <label part="label" class="check">
                <input type="checkbox" .checked=${this.#again} @change=${(e: Event) => (this.#again = (e.target as HTMLInputElement).checked)} />
                ${format(s.callMeAgain, again)}
              </label>
            `
          : nothing}
        <button part="button" ?disabled=${!this.#campaign}>${s.submit}</button>
      </form>
    `;
  }

  #renderTargets(s: Strings, label: string, targets: readonly CallTarget[], status?: (target: CallTarget) => string | undefined) {
    const active = this.#activeTarget();
    return html`
      <ul part="targets" aria-label=${label}>
        ${targets.map(
          (t, i) => html`
            <li part="target" aria-current=${t === active ? 'step' : nothing}>
              <span><span class="name" id="name-${i}">${t.title} ${t.name}</span> ${[t.party, t.district || t.state].filter(Boolean).join(' · ')}</span>
              ${status ? html`<span><span class="dot"></span>${status(t)}</span>${this.#renderOutcome(s, t, i)}` : nothing}
            </li>
          `,
        )}
      </ul>
    `;
  }

  /** Once an office answered, how did it go? One tab stop, on the chosen answer (else the first); arrow keys move along. */
  #renderOutcome(s: Strings, target: CallTarget, i: number) {
    if (!answered(this.#legOf(target)?.status)) return nothing;
    const chosen = this.#outcomeOf(target);
    const settled = this.#settled(target);
    return html`
      <div class="actions outcome" role="toolbar" aria-labelledby="name-${i} ask-${i}" @keydown=${this.#rove}>
        <span id="ask-${i}">${s.outcomeAsk}</span>
        ${outcomes.map(
          (outcome) => html`
            <button
              part="button secondary outcome"
              tabindex=${outcome === (chosen ?? 'spoke') ? 0 : -1}
              aria-pressed=${outcome === chosen}
              aria-disabled=${settled}
              @click=${() => this.#choose(target, outcome)}
            >
              ${s[`outcome-${outcome}`]}
            </button>
          `,
        )}
      </div>
    `;
  }

  /** A roving tabindex: the arrow keys move the group's one tab stop along its buttons. */
  #rove(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? 2 : 0;
    if (!step) return;
    event.preventDefault();
    const buttons = [...(event.currentTarget as HTMLElement).querySelectorAll('button')];
    const next = buttons[(buttons.indexOf(event.target as HTMLButtonElement) + step) % 3]!;
    for (const button of buttons) button.tabIndex = button === next ? 0 : -1;
    next.focus();
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
                ({ district: d, representative: r }) => html`
                  <label>
                    <input type="radio" name="district" value=${d} .checked=${d === this.#district} @change=${this.#chooseDistrict} />
                    ${d} — ${r ? `${r.title} ${r.name}` : s.vacant}
                  </label>
                `,
              )}
            </fieldset>
          `
        : nothing}
      ${this.#renderTargets(s, s.targetsHeading, lookup.targets)}
      ${[lookup.note, ...(lookup.notes ?? [])].map((note) => (note ? html`<p>${note}</p>` : nothing))}
      <div class="actions">
        <button part="button" @click=${this.#placeCall}>${s.callNow}</button>
        <button part="button secondary" @click=${this.#startOver}>${s.back}</button>
      </div>
    `;
  }

  /**
   * The offices with how each is doing; `fallback` names those never dialed (once the call is over).
   * A leg the server has started before the phone got to it still shows as up next.
   */
  #renderLegs(s: Strings, fallback?: 'not-called') {
    const active = this.#activeTarget();
    const next = this.#nextTarget(active);
    return this.#renderTargets(s, s.callHeading, this.#targets, (t) => {
      const status = this.#legOf(t)?.status;
      return s[
        answered(status)
          ? 'completed'
          : t === active
            ? (status ?? 'ringing')
            : status && isFinal(status)
              ? status
              : (fallback ?? (t === next ? 'pending' : 'waiting'))
      ];
    });
  }

  #renderCalling(s: Strings) {
    const active = this.#activeTarget();
    const target = active ?? this.#nextTarget(active) ?? this.#targets.at(-1);
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
    const { nextStep: step, callAgain } = this.#campaign!;
    const url = safeUrl(step?.url);
    // Confirmed on the phone (at the gate after ticking the box, or when offered at the end), not merely ticked.
    const optedIn = this.#snapshot?.optedIn && callAgain;
    return html`
      <h3 tabindex="-1" data-focus>${s.thanks}</h3>
      <slot name="thank-you"></slot>
      ${this.#renderLegs(s, 'not-called')} ${optedIn ? html`<p>${format(s.callingAgain, optedIn)}</p>` : nothing}
      ${step?.kind === 'share'
        ? this.#renderShare(s, step)
        : step?.kind === 'again'
          ? optedIn
            ? nothing
            : html`
                <div class="actions">
                  ${step.text ? html`<p>${step.text}</p>` : nothing}
                  <button part="button" @click=${this.#startOver}>${s.callAgain}</button>
                </div>
              `
          : url
            ? html`<div class="actions"><a part="button" href=${url}>${step!.text || s.submit}</a></div>`
            : nothing}
      <slot name="next"></slot>
    `;
  }

  /** The Web Share API where the browser has it, else links to share the page (or the campaign's URL) with the campaign's text. */
  #renderShare(s: Strings, { url, text = '' }: NextStep) {
    const shared = safeUrl(url) ?? location.href;
    return html`
      <div class="actions" role="group" aria-label=${s.share}>
        ${'share' in navigator
          ? html`<button part="button" @click=${() => navigator.share({ url: shared, text }).catch(() => undefined)}>${s.share}</button>`
          : Object.entries(shareLinks).map(
              ([site, href]) => html`
                <a
                  part="button secondary"
                  href=${format(href, { url: encodeURIComponent(shared), text: encodeURIComponent(text) })}
                  target=${site === 'email' ? nothing : '_blank'}
                >
                  ${site === 'email' ? s.email : site}
                </a>
              `,
            )}
      </div>
    `;
  }
}
