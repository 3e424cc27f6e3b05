import { css, html, LitElement, svg } from 'lit';
import type { Figures } from './api.ts';
import { formatNumber } from './format.ts';
import { base } from './styles.ts';

type Day = Figures & { date: string };
type Hour = Figures & { hour: string };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const quiet = (): Figures => ({ calls: 0, callersReached: 0, converted: 0, legs: 0, completed: 0 });

/** Every step from the first key to the last (ISO keys sort in time), quiet ones at zero: a gap in the chart is a time without calls. */
function filled<T extends Figures>(rows: readonly T[], keyOf: (row: T) => string, next: (key: string) => string, make: (key: string) => T): T[] {
  if (!rows.length) return [];
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  const last = keyOf(rows.at(-1)!);
  const all: T[] = [];
  for (let key = keyOf(rows[0]!); key <= last; key = next(key)) all.push(byKey.get(key) ?? make(key));
  return all;
}

const fillDays = (days: readonly Day[]) =>
  filled(days, (day) => day.date, (date) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10), (date) => ({ date, ...quiet() }));

/** Hours are UTC (`2025-03-01T14:00:00Z`); the chart names them in the figures' zone. */
const fillHours = (hours: readonly Hour[]) =>
  filled(hours, (h) => h.hour, (hour) => `${new Date(Date.parse(hour) + HOUR_MS).toISOString().slice(0, 13)}:00:00Z`, (hour) => ({ hour, ...quiet() }));

/** A bar: its figures, its axis label and its full name (the table's first column). */
type Bar = Figures & { axis: string; name: string };

/** Up to two days of calls show hour by hour; longer periods day by day. */
const MAX_DAYS_BY_HOUR = 2;

const WIDTH = 600;
const HEIGHT = 200;
const PAD = { top: 10, right: 8, bottom: 26, left: 48 };

/**
 * Calls over time as an inline SVG bar chart, per hour for a short period and per day for a longer
 * one, in the time zone of the figures; with the same figures as a table for screen readers and for
 * reading exact values.
 */
export class CallsChart extends LitElement {
  static override styles = [
    base,
    css`
      svg {
        display: block;
        width: 100%;
        height: auto;
        color: var(--accent);
      }
      .axis {
        fill: var(--muted);
        font-size: 14px;
      }
      .grid {
        stroke: var(--line);
      }
      figure {
        margin: 0;
      }
      details {
        margin-top: 0.5rem;
      }
      summary {
        cursor: pointer;
      }
    `,
  ];

  static override properties = { days: { attribute: false }, hours: { attribute: false }, zone: {} };
  declare days: Day[];
  declare hours: Hour[];
  /** The IANA zone the days are in and the hours are named in. */
  declare zone: string;

  constructor() {
    super();
    this.days = [];
    this.hours = [];
    this.zone = 'UTC';
  }

  #bars(): { unit: 'hour' | 'day'; bars: Bar[] } {
    const days = fillDays(this.days);
    if (days.length > MAX_DAYS_BY_HOUR || !this.hours.length) return { unit: 'day', bars: days.map((day) => ({ ...day, axis: day.date.slice(5), name: day.date })) };
    const time = new Intl.DateTimeFormat(undefined, { timeZone: this.zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const date = new Intl.DateTimeFormat(undefined, { timeZone: this.zone, month: 'short', day: 'numeric' });
    return {
      unit: 'hour',
      bars: fillHours(this.hours).map((hour) => {
        const at = new Date(hour.hour);
        return { ...hour, axis: time.format(at), name: `${date.format(at)}, ${time.format(at)}` };
      }),
    };
  }

  override render() {
    const { unit, bars } = this.#bars();
    if (!bars.length) return html`<p>No calls in this period yet.</p>`;
    const max = Math.max(1, ...bars.map((bar) => bar.calls));
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const slot = plotW / bars.length;
    const barW = Math.max(1, slot * 0.8);
    const y = (value: number) => PAD.top + plotH - (value / max) * plotH;
    const labelEvery = Math.ceil(bars.length / 6);
    const total = bars.reduce((sum, bar) => sum + bar.calls, 0);
    const title = `Calls per ${unit}`;
    return html`
      <figure>
        <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">
          <title id="chart-title">${title}</title>
          <desc id="chart-desc">${formatNumber(total)} calls from ${bars[0]!.name} to ${bars.at(-1)!.name}; the busiest ${unit} had ${formatNumber(max)}.</desc>
          ${(max >= 4 ? [0, 0.5, 1] : [0, 1]).map(
            (f) => svg`<line class="grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(max * f)} y2=${y(max * f)}></line>
              <text class="axis" x=${PAD.left - 4} y=${y(max * f) + 4} text-anchor="end">${formatNumber(Math.round(max * f))}</text>`,
          )}
          ${bars.map(
            (bar, i) => svg`<rect x=${PAD.left + i * slot + (slot - barW) / 2} y=${y(bar.calls)} width=${barW} height=${PAD.top + plotH - y(bar.calls)} fill="currentColor">
                <title>${bar.name}: ${formatNumber(bar.calls)} calls</title></rect>
              ${i % labelEvery === 0 ? svg`<text class="axis" x=${PAD.left + i * slot + slot / 2} y=${HEIGHT - 6} text-anchor="middle">${bar.axis}</text>` : ''}`,
          )}
        </svg>
        <figcaption class="hint">Calls started per ${unit}, ${this.zone} time.</figcaption>
      </figure>
      <details>
        <summary>${title} as a table</summary>
        <div class="scroll" tabindex="0" role="region" aria-label=${title}>
          <table>
            <caption class="visually-hidden">${title}</caption>
            <thead>
              <tr>
                <th scope="col">${unit === 'day' ? 'Day' : 'Hour'}</th>
                <th scope="col">Calls</th>
                <th scope="col">Callers who answered</th>
                <th scope="col">Connections to offices</th>
              </tr>
            </thead>
            <tbody>
              ${bars.map(
                (bar) => html`<tr>
                  <th scope="row">${bar.name}</th>
                  <td>${formatNumber(bar.calls)}</td>
                  <td>${formatNumber(bar.callersReached)}</td>
                  <td>${formatNumber(bar.completed)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>
    `;
  }
}
