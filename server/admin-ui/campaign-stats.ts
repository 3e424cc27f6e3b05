import { css, html, LitElement, nothing } from 'lit';
import type { AdminApi, Stats, StatsRange, TargetStats } from './api.ts';
import { formatDuration, formatNumber, formatPercent, localZone, saveBlob } from './format.ts';
import { base } from './styles.ts';

type SortKey = keyof Omit<TargetStats, 'id' | 'outcomes'>;

const COLUMNS: [SortKey, string][] = [
  ['name', 'Office'],
  ['completed', 'Completed'],
  ['legs', 'Dialed'],
  ['busy', 'Busy'],
  ['noAnswer', 'No answer'],
  ['failed', 'Failed'],
  ['canceled', 'Skipped'],
  ['averageDuration', 'Avg. talk'],
];

/** Totals, calls per day, the per-target table (sortable) and the CSV downloads for one campaign. */
export class CampaignStats extends LitElement {
  static override styles = [
    base,
    css`
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
        gap: 0.5rem;
        margin: 0 0 1rem;
      }
      dl div {
        padding: 0.5rem 0.65rem;
        border: 1px solid var(--line);
        border-radius: 0.35rem;
        background: var(--bg);
      }
      dt {
        font-size: 0.85rem;
        color: var(--muted);
      }
      dd {
        margin: 0;
        font-size: 1.35rem;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      th button {
        min-height: 0;
        padding: 0.15rem 0.3rem;
        border: 0;
        background: none;
        color: inherit;
        font-weight: 700;
      }
    `,
  ];

  static override properties = {
    api: { attribute: false },
    campaignId: { attribute: 'campaign-id' },
    stats: { state: true },
    range: { state: true },
    sortKey: { state: true },
    descending: { state: true },
    error: { state: true },
    notice: { state: true },
  };
  declare api: AdminApi;
  declare campaignId: string;
  declare stats?: Stats;
  declare range: StatsRange;
  declare sortKey: SortKey;
  declare descending: boolean;
  declare error: string;
  declare notice: string;

  constructor() {
    super();
    this.campaignId = '';
    this.range = { tz: localZone() };
    this.sortKey = 'completed';
    this.descending = true;
    this.error = '';
    this.notice = '';
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('campaignId') && this.campaignId) void this.refresh();
  }

  async refresh() {
    try {
      this.stats = await this.api.stats(this.campaignId, this.range);
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  #applyRange(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '') || undefined;
    this.range = { from: value('from'), to: value('to'), tz: value('tz') ?? 'UTC' };
    void this.refresh();
  }

  #sort(key: SortKey) {
    this.descending = this.sortKey === key ? !this.descending : key !== 'name';
    this.sortKey = key;
  }

  async #download(kind: 'targets' | 'calls') {
    this.notice = 'Preparing the download…';
    try {
      const { blob, filename } = await this.api.csv(this.campaignId, kind, this.range);
      saveBlob(blob, filename);
      this.notice = `Downloaded ${filename}.`;
    } catch (error) {
      this.notice = (error as Error).message;
    }
  }

  #sorted(targets: TargetStats[]) {
    const key = this.sortKey;
    const direction = this.descending ? -1 : 1;
    return [...targets].sort((a, b) => {
      const order = key === 'name' ? a.name.localeCompare(b.name) : a[key] - b[key];
      return direction * order || a.name.localeCompare(b.name);
    });
  }

  override render() {
    const { stats } = this;
    return html`
      <h3>Calls</h3>
      <form class="row" @submit=${this.#applyRange} aria-label="Period">
        <div class="field"><label for="from">From</label><input id="from" name="from" type="date" .value=${this.range.from ?? ''} /></div>
        <div class="field"><label for="to">To</label><input id="to" name="to" type="date" .value=${this.range.to ?? ''} /></div>
        <div class="field"><label for="tz">Time zone</label><input id="tz" name="tz" .value=${this.range.tz ?? 'UTC'} /></div>
        <div class="field"><button type="submit">Show</button></div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${stats ? this.#renderStats(stats) : html`<p>Loading…</p>`}
    `;
  }

  #renderStats(stats: Stats) {
    const { totals } = stats;
    const figures: [string, string, string][] = [
      ['calls', 'Calls started', formatNumber(totals.calls)],
      ['reached', 'Callers reached', formatNumber(totals.callersReached)],
      ['conversion', 'Conversion', formatPercent(totals.conversion)],
      ['completed', 'Offices reached', formatNumber(totals.completed)],
      ['busy', 'Busy', formatNumber(totals.busy)],
      ['no-answer', 'No answer', formatNumber(totals.noAnswer)],
      ['failed', 'Failed', formatNumber(totals.failed)],
      ['talk', 'Talk time', formatDuration(totals.talkSeconds)],
    ];
    return html`
      <dl>
        ${figures.map(([id, label, value]) => html`<div><dt>${label}</dt><dd data-figure=${id}>${value}</dd></div>`)}
      </dl>
      <cpa-calls-chart .days=${stats.perDay}></cpa-calls-chart>
      <h3>Per office</h3>
      <div class="scroll">
        <table id="targets">
          <caption class="visually-hidden">Calls per office; the column headers sort the table.</caption>
          <thead>
            <tr>
              ${COLUMNS.map(([key, label]) => {
                const sorted = this.sortKey === key ? (this.descending ? 'descending' : 'ascending') : 'none';
                return html`<th scope="col" aria-sort=${sorted}>
                  <button type="button" data-sort=${key} @click=${() => this.#sort(key)}>${label}${sorted === 'none' ? '' : sorted === 'descending' ? ' ▼' : ' ▲'}</button>
                </th>`;
              })}
            </tr>
          </thead>
          <tbody>
            ${this.#sorted(stats.targets).map(
              (t) => html`<tr>
                <th scope="row">${t.name}</th>
                <td>${formatNumber(t.completed)}</td>
                <td>${formatNumber(t.legs)}</td>
                <td>${formatNumber(t.busy)}</td>
                <td>${formatNumber(t.noAnswer)}</td>
                <td>${formatNumber(t.failed)}</td>
                <td>${formatNumber(t.canceled)}</td>
                <td>${formatDuration(t.averageDuration)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="actions">
        <button type="button" class="secondary" @click=${() => this.#download('targets')}>Download per-office CSV</button>
        <button type="button" class="secondary" @click=${() => this.#download('calls')}>Download call log CSV</button>
        <span role="status" aria-live="polite">${this.notice}</span>
      </div>
    `;
  }
}
