import { html, nothing } from 'lit';
import { ApiElement } from './api-element.ts';
import { ApiError, runRequest } from './api.ts';

/**
 * Replaces a campaign's own list from a CSV file, at once (not with the form's Save). A file with any
 * bad line changes nothing, and every bad line is listed. Fires `imported` with the list as stored.
 */
export class TargetsImport extends ApiElement {
  static override properties = {
    campaignId: { attribute: 'campaign-id' },
  };
  declare campaignId: string;

  constructor() {
    super();
    this.campaignId = '';
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const file = (new FormData(event.target as HTMLFormElement).get('file') as File | null) ?? undefined;
    this.error = undefined;
    this.notice = '';
    if (!file?.size) {
      this.error = new ApiError(0, 'required', 'Choose a CSV file first.');
      return;
    }
    await runRequest(this, async () => {
      const { imported, targets } = await this.api.importTargets(this.campaignId, await file.text());
      this.notice = `Imported ${imported} ${imported === 1 ? 'office' : 'offices'}: the list above is now the stored one.`;
      this.dispatchEvent(new CustomEvent('imported', { detail: targets, bubbles: true, composed: true }));
    });
  }

  override render() {
    const { error } = this;
    const problems = error?.details ?? [];
    return html`
      <form @submit=${this.#submit}>
        <div class="field">
          <label for="targets-csv">Replace the list from a CSV file</label>
          <input id="targets-csv" name="file" type="file" accept=".csv,text/csv,text/plain" aria-describedby="targets-csv-hint targets-csv-error" aria-invalid=${error ? 'true' : nothing} />
          <p class="hint" id="targets-csv-hint">
            A header row, then one office per line: <code>name,phone</code> and optionally <code>title</code>, <code>extension</code>, <code>id</code>, and
            one of <code>state</code>, <code>district</code> or <code>zips</code> (separated by spaces or semicolons) to offer it only to callers there. It
            replaces the whole list now; a file with any bad line changes nothing.
          </p>
        </div>
        <button type="submit" class="secondary" ?disabled=${this.busy}>Import the file</button>
      </form>
      <div id="targets-csv-error" class="error" role="alert">
        ${error
          ? problems.length > 1
            ? html`<p>The file was not imported: ${problems.length} problems.</p>
                <ul>
                  ${problems.map((problem) => html`<li>Line ${problem.line}${problem.column ? `, ${problem.column}` : ''}: ${problem.message}</li>`)}
                </ul>`
            : html`<p>The file was not imported: ${error.message}</p>`
          : nothing}
      </div>
      <p role="status" aria-live="polite">${this.notice}</p>
    `;
  }
}
