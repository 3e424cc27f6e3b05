import { css, html, LitElement } from 'lit';
import { copyText } from './copy.ts';
import { base } from './styles.ts';

/** The widget's styling API (see widget/call-power.ts): what a campaign site may set. */
const PROPERTIES: [string, string][] = [
  ['--call-power-accent', 'button and link colour'],
  ['--call-power-radius', 'corner radius'],
  ['--call-power-font', 'font family'],
  ['--call-power-bg', 'background'],
  ['--call-power-fg', 'text colour'],
  ['--call-power-space', 'spacing unit'],
];
const PARTS = ['form', 'label', 'input', 'button', 'status', 'script', 'targets', 'target', 'error'];

export const embedSnippet = (origin: string, campaignId: string) =>
  `<script type="module" src="${origin}/call-power.js"></script>\n<call-power campaign="${campaignId}"></call-power>`;

/** The two lines a campaign site pastes, a copy button, and the hooks for theming the widget. */
export class EmbedSnippet extends LitElement {
  static override styles = [
    base,
    css`
      pre {
        margin: 0 0 0.5rem;
        padding: 0.75rem;
        overflow-x: auto;
        border-radius: 0.35rem;
        background: var(--code-bg);
        font-size: 0.85rem;
      }
      code {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      }
      ul {
        margin: 0.25rem 0 0.75rem;
        padding-left: 1.25rem;
      }
    `,
  ];

  static override properties = { campaignId: { attribute: 'campaign-id' }, notice: { state: true } };
  declare campaignId: string;
  declare notice: string;

  constructor() {
    super();
    this.campaignId = '';
    this.notice = '';
  }

  get snippet() {
    return embedSnippet(location.origin, this.campaignId);
  }

  async #copy() {
    this.notice = await copyText(this.snippet, this.renderRoot.querySelector('code')!);
  }

  override render() {
    return html`
      <h3>Embed on your site</h3>
      <p>Paste these two lines where the call form should appear:</p>
      <pre tabindex="0"><code id="snippet">${this.snippet}</code></pre>
      <div class="actions">
        <button type="button" @click=${this.#copy} aria-describedby="snippet">Copy the snippet</button>
        <span role="status" aria-live="polite">${this.notice}</span>
      </div>
      <details>
        <summary>Styling hooks</summary>
        <p>Custom properties (set them on <code>:root</code> or on <code>call-power</code>):</p>
        <ul>
          ${PROPERTIES.map(([name, what]) => html`<li><code>${name}</code>: ${what}</li>`)}
        </ul>
        <p>Parts, for <code>call-power::part(…)</code>: ${PARTS.map((part, i) => html`${i ? ', ' : ''}<code>${part}</code>`)}.</p>
      </details>
    `;
  }
}
