import { html, nothing, type PropertyValues } from 'lit';
import { ApiElement } from './api-element.ts';
import { type Campaign, type CustomTarget, runRequest, type TargetLookup } from './api.ts';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const named = (target: { title: string; name: string }) => [target.title, target.name].filter(Boolean).join(' ');

/** Where a routed target is offered: "all of VT, 255 ZIPs", "district CA-12, 25 ZIPs" or "3 ZIPs in VT". */
function reach({ state, district, coverage }: CustomTarget): string {
  if (!coverage) return '';
  const zips = count(coverage.zips, 'ZIP');
  const where = state ? `all of ${state}, ${zips}` : district ? `district ${district}, ${zips}` : `${zips} in ${coverage.states.join(', ') || 'no state'}`;
  return coverage.unknown ? `${where}; not in the Congress data: ${coverage.unknown.join(', ')}` : where;
}

/**
 * Whom a campaign's callers reach: how far each office of the own list that is routed by place
 * reaches, and a preview of whom a caller at one ZIP would call, from the campaign as saved.
 */
export class TargetsPreview extends ApiElement {
  static override properties = {
    campaign: { attribute: false },
    targets: { state: true },
    lookup: { state: true },
  };
  declare campaign: Campaign;
  declare targets: CustomTarget[];
  /** The last preview, with the ZIP as typed (an own list for everyone has no location). */
  declare lookup?: TargetLookup & { zip: string };

  constructor() {
    super();
    this.targets = [];
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('campaign')) return;
    this.lookup = undefined;
    void runRequest(this, async () => {
      this.targets = await this.api.targets(this.campaign.id);
    });
  }

  async #preview(event: SubmitEvent) {
    event.preventDefault();
    const zip = String(new FormData(event.target as HTMLFormElement).get('zip') ?? '').trim();
    this.lookup = undefined;
    await runRequest(this, async () => {
      this.lookup = { ...(await this.api.lookup(this.campaign.id, zip)), zip: zip.slice(0, 5) };
    });
  }

  override render() {
    const routed = this.targets.filter((target) => target.coverage);
    const everyone = this.targets.length - routed.length;
    return html`
      <section aria-labelledby="reach-heading">
        <h3 id="reach-heading">Whom callers reach</h3>
        ${routed.length
          ? html`<ul aria-label="Offices routed by place">
                ${routed.map((target) => html`<li><strong>${named(target)}</strong>: ${reach(target)}</li>`)}
              </ul>
              ${everyone ? html`<p class="hint">Offered to every caller: ${count(everyone, 'other office')} of the own list.</p>` : nothing}`
          : nothing}
        <form @submit=${this.#preview}>
          <div class="row">
            <div class="field">
              <label for="preview-zip">ZIP to preview</label>
              <input id="preview-zip" name="zip" inputmode="numeric" required aria-describedby="preview-hint preview-error" aria-invalid=${this.error ? 'true' : 'false'} />
            </div>
            <div class="field"><button type="submit" class="secondary" ?disabled=${this.busy}>Preview</button></div>
          </div>
          <p class="hint" id="preview-hint">Whom a caller there would call, from the campaign as saved.</p>
        </form>
        <p class="error" id="preview-error">${this.error?.message ?? ''}</p>
        <div role="status" aria-live="polite">${this.#renderLookup()}</div>
      </section>
    `;
  }

  #renderLookup() {
    const { lookup } = this;
    if (!lookup) return nothing;
    const notes = lookup.notes.map((note) => html`<p class="hint">${note}</p>`);
    if (!lookup.targets.length) return html`<p>Nobody would be called from ZIP ${lookup.zip}: a call from there is refused.</p>${notes}`;
    const choose = lookup.choices?.map(({ district, representative }) => `${district} (${representative ? named(representative) : 'vacant'})`).join(', ');
    return html`
      <p id="lookup-heading">A caller at ZIP ${lookup.zip} reaches</p>
      <ol aria-labelledby="lookup-heading">
        ${lookup.targets.map((target) => html`<li>${named(target)}</li>`)}
      </ol>
      ${choose ? html`<p>and, once they choose their district, its representative: ${choose}.</p>` : nothing} ${notes}
    `;
  }
}
