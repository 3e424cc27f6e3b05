import { css, html, LitElement, svg } from 'lit';
import type { Figures } from './api.ts';
import { formatNumber } from './format.ts';
import { base } from './styles.ts';

type Day = Figures & { date: string };

const DAY_MS = 86_400_000;

/** Every day from the first to the last, quiet ones at zero: a gap in the chart is a day without calls. */
export function fillDays(days: readonly Day[]): Day[] {
  if (!days.length) return [];
  const byDate = new Map(days.map((day) => [day.date, day]));
  const filled: Day[] = [];
  for (let t = Date.parse(`${days[0]!.date}T00:00:00Z`); t <= Date.parse(`${days.at(-1)!.date}T00:00:00Z`); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    filled.push(byDate.get(date) ?? { date, calls: 0, callersReached: 0, converted: 0, legs: 0, completed: 0 });
  }
  return filled;
}

const WIDTH = 600;
const HEIGHT = 200;
const PAD = { top: 10, right: 8, bottom: 26, left: 48 };

/**
 * Calls per day as an inline SVG bar chart, with the same figures as a table for screen readers and
 * for reading exact values.
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

  static override properties = { days: { attribute: false } };
  declare days: Day[];

  constructor() {
    super();
    this.days = [];
  }

  override render() {
    const days = fillDays(this.days);
    if (!days.length) return html`<p>No calls in this period yet.</p>`;
    const max = Math.max(1, ...days.map((day) => day.calls));
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const slot = plotW / days.length;
    const barW = Math.max(1, slot * 0.8);
    const y = (value: number) => PAD.top + plotH - (value / max) * plotH;
    const labelEvery = Math.ceil(days.length / 6);
    const total = days.reduce((sum, day) => sum + day.calls, 0);
    return html`
      <figure>
        <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">
          <title id="chart-title">Calls per day</title>
          <desc id="chart-desc">${formatNumber(total)} calls from ${days[0]!.date} to ${days.at(-1)!.date}; the busiest day had ${formatNumber(max)}.</desc>
          ${(max >= 4 ? [0, 0.5, 1] : [0, 1]).map(
            (f) => svg`<line class="grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(max * f)} y2=${y(max * f)}></line>
              <text class="axis" x=${PAD.left - 4} y=${y(max * f) + 4} text-anchor="end">${formatNumber(Math.round(max * f))}</text>`,
          )}
          ${days.map(
            (day, i) => svg`<rect x=${PAD.left + i * slot + (slot - barW) / 2} y=${y(day.calls)} width=${barW} height=${PAD.top + plotH - y(day.calls)} fill="currentColor">
                <title>${day.date}: ${formatNumber(day.calls)} calls</title></rect>
              ${i % labelEvery === 0 ? svg`<text class="axis" x=${PAD.left + i * slot + slot / 2} y=${HEIGHT - 6} text-anchor="middle">${day.date.slice(5)}</text>` : ''}`,
          )}
        </svg>
        <figcaption class="hint">Calls started per day, in the time zone of the figures.</figcaption>
      </figure>
      <details>
        <summary>Calls per day as a table</summary>
        <div class="scroll">
          <table>
            <caption class="visually-hidden">Calls per day</caption>
            <thead>
              <tr><th scope="col">Day</th><th scope="col">Calls</th><th scope="col">Callers reached</th><th scope="col">Offices reached</th></tr>
            </thead>
            <tbody>
              ${days.map((day) => html`<tr><th scope="row">${day.date}</th><td>${formatNumber(day.calls)}</td><td>${formatNumber(day.callersReached)}</td><td>${formatNumber(day.completed)}</td></tr>`)}
            </tbody>
          </table>
        </div>
      </details>
    `;
  }
}
