import { css, html, LitElement, nothing } from 'lit';
import type { AdminApi, Stats, StatsRange, TargetStats } from './api.ts';
import { zoneList } from './fields.ts';
import { formatDuration, formatNumber, formatPercent, localZone, saveBlob } from './format.ts';
import { base } from './styles.ts';

type Column = [label: string, value: (t: TargetStats) => number, show?: (value: number) => string];

/** The per-office table's figures after the office's name: what each sorts by, and how it shows. */
const COLUMNS = {
  completed: ['Connections', (t) => t.completed],
  legs: ['Dialed', (t) => t.legs],
  busy: ['Busy', (t) => t.busy],
  noAnswer: ['No answer', (t) => t.noAnswer],
  failed: ['Failed', (t) => t.failed],
  canceled: ['Skipped', (t) => t.canceled],
  spoke: ['Spoke to someone', (t) => t.outcomes.spoke],
  voicemail: ['Voicemail', (t) => t.outcomes.voicemail],
  unavailable: ['No one', (t) => t.outcomes.unavailable],
  averageDuration: ['Avg. talk', (t) => t.averageDuration, formatDuration],
} satisfies Record<string, Column>;
type SortKey = keyof typeof COLUMNS | 'name';
const FIGURES = Object.entries(COLUMNS) as [keyof typeof COLUMNS, Column][];
const HEADERS: [SortKey, string][] = [['name', 'Office'], ...FIGURES.map(([key, [label]]): [SortKey, string] => [key, label])];

/**
 * Totals, calls over time, the per-office table (sortable, with the outcomes supporters reported),
 * referral codes and page metadata, and the CSV downloads for one campaign. A "call" is one
 * supporter's call, as the public counter counts it; each may connect to several offices.
 */
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
      td.text {
        text-align: left;
        white-space: normal;
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
    const value = (name: string) => String(data.get(name) ?? '').trim() || undefined;
    this.range = { from: value('from'), to: value('to'), tz: value('tz') ?? localZone() };
    void this.refresh();
  }

  #sort(key: SortKey) {
    this.descending = this.sortKey === key ? !this.descending : key !== 'name';
    this.sortKey = key;
  }

  async #download(kind: 'targets' | 'offices' | 'calls') {
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
      const order = key === 'name' ? a.name.localeCompare(b.name) : COLUMNS[key][1](a) - COLUMNS[key][1](b);
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
        <div class="field">
          <label for="tz">Time zone</label><input id="tz" name="tz" list="stats-zones" .value=${this.range.tz ?? localZone()} aria-describedby="tz-hint" />
          <p class="hint" id="tz-hint">Days and hours are this zone's; yours by default.</p>
        </div>
        ${zoneList('stats-zones')}
        <div class="field"><button type="submit">Show</button></div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${stats ? this.#renderStats(stats) : html`<p>Loading…</p>`}
    `;
  }

  #renderStats(stats: Stats) {
    const { totals } = stats;
    const figures: [string, string, string][] = [
      ['calls', 'Calls', formatNumber(totals.calls)],
      ['reached', 'Callers who answered', formatNumber(totals.callersReached)],
      ['conversion', 'Calls that reached an office', formatPercent(totals.conversion)],
      ['connections', 'Connections to offices', formatNumber(totals.completed)],
      ['busy', 'Busy', formatNumber(totals.busy)],
      ['no-answer', 'No answer', formatNumber(totals.noAnswer)],
      ['failed', 'Failed', formatNumber(totals.failed)],
      ['talk', 'Talk time', formatDuration(totals.talkSeconds)],
    ];
    return html`
      <dl aria-describedby="figures-hint">
        ${figures.map(([id, label, value]) => html`<div><dt>${label}</dt><dd data-figure=${id}>${value}</dd></div>`)}
      </dl>
      <p class="hint" id="figures-hint">
        A call is one supporter's call, as the public counter counts them; one call can connect to several offices, each counted under
        connections.
      </p>
      <cpa-calls-chart .days=${stats.perDay} .hours=${stats.perHour} zone=${stats.range.tz}></cpa-calls-chart>
      <h3>Per office</h3>
      <div class="scroll">
        <table id="targets">
          <caption class="visually-hidden">Connections and outcomes per office; the column headers sort the table.</caption>
          <thead>
            <tr>
              ${HEADERS.map(([key, label]) => {
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
                ${FIGURES.map(([, [, value, show = formatNumber]]) => html`<td>${show(value(t))}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="hint">Spoke to someone, voicemail and no one are what supporters reported after an office answered (since the start).</p>
      ${officesTable(stats.targets)}
      ${breakdown(
        'Referral codes',
        ['Code'],
        stats.refs.map((r) => [[r.ref], r.calls, r.completed]),
      )}
      ${breakdown(
        'Page metadata',
        ['Key', 'Value'],
        stats.meta.map((m) => [[m.key, m.value], m.calls, m.completed]),
      )}
      <div class="actions">
        <button type="button" class="secondary" @click=${() => this.#download('targets')}>Download per-office CSV</button>
        <button type="button" class="secondary" @click=${() => this.#download('offices')}>Download office numbers CSV</button>
        <button type="button" class="secondary" @click=${() => this.#download('calls')}>Download call log CSV</button>
        <span role="status" aria-live="polite">${this.notice}</span>
      </div>
    `;
  }
}

/**
 * Each number dialed for members that had more than one tried (a busy or unanswered office is followed
 * by the member's next one), since the start: which of their offices answer.
 */
function officesTable(targets: TargetStats[]) {
  const rows = targets.filter((t) => t.offices.length > 1).flatMap((t) => t.offices.map((o) => ({ name: t.name, ...o })));
  if (!rows.length) return nothing;
  return html`
    <h3>Per office number</h3>
    <div class="scroll" tabindex="0" role="region" aria-label="Per office number">
      <table id="offices" aria-label="Per office number">
        <thead>
          <tr>
            ${['Member', 'Office', 'Number', 'Dialed', 'Connections', 'Busy', 'No answer'].map((column) => html`<th scope="col">${column}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (o) => html`<tr>
              <th scope="row">${o.name}</th>
              <td class="text">${o.office ?? 'main office'}</td>
              <td class="text">${o.phone}</td>
              ${[o.legs, o.completed, o.busy, o.noAnswer].map((n) => html`<td>${formatNumber(n)}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="hint">Offices a member was dialed at, since the start: their first office, and those tried when it was busy or did not answer.</p>
  `;
}

/** Calls and connections per referral code or metadata value, most calls first. */
function breakdown(title: string, columns: string[], rows: [string[], number, number][]) {
  return html`
    <h3>${title}</h3>
    ${rows.length
      ? html`<div class="scroll" tabindex="0" role="region" aria-label=${title}>
          <table aria-label=${title}>
            <thead>
              <tr>
                ${columns.map((column) => html`<th scope="col">${column}</th>`)}
                <th scope="col">Calls</th>
                <th scope="col">Connections</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                ([names, calls, connections]) => html`<tr>
                  ${names.map((name, i) => (i ? html`<td class="text">${name}</td>` : html`<th scope="row">${name}</th>`))}
                  <td>${formatNumber(calls)}</td>
                  <td>${formatNumber(connections)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p>None in this period.</p>`}
  `;
}
