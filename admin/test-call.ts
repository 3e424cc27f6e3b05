import { html, LitElement, nothing } from 'lit';
import { ApiError, type DistrictChoice, publicApi } from './api.ts';
import { base } from './styles.ts';

const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const LIVE_LEG = ['ringing', 'in-progress'];

/**
 * Places a call through the public API, exactly as a supporter's widget would (in demo mode the
 * emulator answers), and follows it to the end. Fires `call-placed` and `call-settled` so the stats can refresh.
 */
export class TestCall extends LitElement {
  static override styles = base;
  static override properties = {
    campaignId: { attribute: 'campaign-id' },
    needsZip: { type: Boolean, attribute: 'needs-zip' },
    progress: { state: true },
    error: { state: true },
    busy: { state: true },
    choices: { state: true },
  };
  declare campaignId: string;
  declare needsZip: boolean;
  declare progress: string;
  declare error?: ApiError;
  declare busy: boolean;
  /** A split ZIP: the districts to choose from, as the widget offers them. */
  declare choices: DistrictChoice[];
  #stopped = false;

  constructor() {
    super();
    this.campaignId = '';
    this.needsZip = false;
    this.progress = '';
    this.busy = false;
    this.choices = [];
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopped = true;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.error = undefined;
    this.busy = true;
    this.progress = 'Placing the call…';
    try {
      const zip = String(data.get('zip') ?? '').trim();
      const district = String(data.get('district') ?? '') || undefined;
      const call = await publicApi.placeCall(this.campaignId, { phone: String(data.get('phone')), ...(zip ? { zip } : {}), ...(district ? { district } : {}) });
      this.choices = [];
      this.dispatchEvent(new CustomEvent('call-placed', { bubbles: true, composed: true, detail: { id: call.id } }));
      await this.#follow(call.id);
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
      this.progress = '';
      // A ZIP that spans districts: offer them, each with its representative, as the widget does.
      if (this.error.code === 'district_required') this.choices = await publicApi.districtChoices(this.campaignId, String(data.get('zip') ?? '')).catch(() => []);
    } finally {
      this.busy = false;
    }
  }

  async #follow(id: string) {
    this.#stopped = false;
    for (let polls = 0; polls < 600 && !this.#stopped; polls++) {
      const view = await publicApi.call(id);
      const legs = view.legs.map((leg) => `${view.targets.find((t) => t.id === leg.targetId)?.name ?? leg.targetId}: ${leg.status}`);
      this.progress = `Call ${view.status}${legs.length ? ` — ${legs.join(', ')}` : ''}`;
      if (FINAL.includes(view.status) && view.legs.every((leg) => !LIVE_LEG.includes(leg.status))) {
        this.progress = `Test call ended (${view.status}); ${view.legs.filter((leg) => leg.status === 'completed').length} of ${view.targets.length} offices reached.`;
        this.dispatchEvent(new CustomEvent('call-settled', { bubbles: true, composed: true, detail: { id } }));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  override render() {
    const invalid = (field: string) => (this.error?.field === field ? 'true' : 'false');
    return html`
      <h3>Place a test call</h3>
      <p class="hint">It goes through the public API like a supporter's call, and is counted. In demo mode the built-in emulator answers.</p>
      <form @submit=${this.#submit}>
        <div class="row">
          <div class="field">
            <label for="phone">Your phone number</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" required aria-invalid=${invalid('phone')} aria-describedby="test-call-error" />
          </div>
          ${this.needsZip
            ? html`<div class="field">
                <label for="zip">ZIP code</label>
                <input id="zip" name="zip" inputmode="numeric" autocomplete="postal-code" required aria-invalid=${invalid('zip')} aria-describedby="test-call-error" />
              </div>`
            : nothing}
          <div class="field"><button type="submit" ?disabled=${this.busy}>Call me</button></div>
        </div>
        ${this.choices.length
          ? html`<fieldset>
              <legend>Which district? Your ZIP code spans several.</legend>
              ${this.choices.map(
                ({ district, representative }, i) =>
                  html`<label><input type="radio" name="district" value=${district} ?required=${i === 0} />
                    ${district} — ${representative ? `${representative.title} ${representative.name}` : 'vacant seat'}</label>`,
              )}
            </fieldset>`
          : nothing}
      </form>
      <p id="test-call-error" class="error">${this.error?.message ?? ''}</p>
      <p role="status" aria-live="polite">${this.progress}</p>
    `;
  }
}
