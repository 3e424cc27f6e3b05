import { unsafeCSS } from 'lit';

/*
 * The public `--call-power-*` properties are only read, each with a fallback, never declared here:
 * a value a theme sets on :root must reach the widget by inheritance. The `--_*` properties are
 * private shorthands for those reads, with light and dark fallbacks: light-dark() picks by the
 * host's color-scheme, which is the page's (`all: initial` would reset it to light) unless the
 * `theme` attribute sets it.
 *
 * unsafeCSS rather than Lit's css tag: this sheet interpolates nothing, so the tag's checks buy
 * nothing, and they cost 150 bytes of the embed's 20 KB budget.
 */
export default unsafeCSS(`
  :host {
    all: initial;
    color-scheme: inherit;
    --_accent: var(--call-power-accent, light-dark(#0b57d0, #a8c7fa));
    --_on-accent: var(--call-power-accent-fg, light-dark(#fff, #062e6f));
    --_bg: var(--call-power-bg, light-dark(#fff, #1f1f1f));
    --_fg: var(--call-power-fg, light-dark(#1f1f1f, #e3e3e3));
    --_danger: light-dark(#b3261e, #f2b8b5);
    --_radius: var(--call-power-radius, 0.5rem);
    --_space: var(--call-power-space, 1rem);
    --_line: 1px solid color-mix(in srgb, var(--_fg) 30%, transparent);
    display: block;
    max-width: 36rem;
    padding: var(--_space);
    border: var(--_line);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    font: 1rem/1.5 var(--call-power-font, system-ui, sans-serif);
    overflow-wrap: anywhere;
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }

  :host([theme='auto']) {
    color-scheme: light dark;
  }

  :host([hidden]) {
    display: none;
  }

  * {
    box-sizing: border-box;
    margin: 0;
  }

  /* minmax(0, 1fr): at 320 px and 200% text, content wraps instead of widening the column. */
  .root,
  form,
  .field {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_space);
  }

  .root {
    position: relative;
    container-type: inline-size;
  }

  ::slotted(*) {
    margin: 0;
  }

  h2 {
    font-size: 1.25rem;
  }

  h3 {
    font-size: 1.0625rem;
  }

  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }

  .field {
    gap: 0.25rem;
    align-content: start;
  }

  label,
  legend,
  .name,
  [part~='error'],
  [part~='field-error'] {
    font-weight: 600;
  }

  [part~='error'],
  [part~='field-error'] {
    color: var(--_danger);
  }

  input,
  button {
    font: inherit;
    color: inherit;
  }

  [part~='input'] {
    width: 100%;
    padding: 0.5rem 0.75rem;
    border: 1px solid color-mix(in srgb, var(--_fg) 65%, transparent);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_bg);
  }

  [aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }

  /* Targets stay at least 44px tall: 1.5rem of line, 1.25rem of padding and the borders. */
  [part~='button'] {
    display: inline-block;
    max-width: 100%;
    padding: 0.5rem 1.25rem;
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    text-decoration: none;
    cursor: pointer;
  }

  [part~='secondary'] {
    background: none;
    color: var(--_fg);
  }

  [aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_on-accent);
  }

  /* Chosen shows by more than color. */
  [aria-pressed='true']::before {
    content: '✓ ';
    content: '✓ ' / '';
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  fieldset,
  [part~='target'] {
    padding: 0.5rem 0.75rem;
    border: var(--_line);
    border-radius: calc(var(--_radius) / 2);
  }

  fieldset label {
    display: inline-block;
    padding: 0.625rem 1rem 0.625rem 0;
  }

  fieldset label,
  .check {
    font-weight: 400;
  }

  [type='radio'],
  [type='checkbox'] {
    width: 1.25em;
    height: 1.25em;
    margin-inline-end: 0.5rem;
    vertical-align: -0.25em;
    accent-color: var(--_accent);
  }

  [part~='targets'] {
    display: grid;
    gap: 0.5rem;
    padding: 0;
    list-style: none;
  }

  [part~='target'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0 0.75rem;
  }

  [aria-current] {
    outline: 2px solid var(--_accent);
  }

  /* On a line of its own under the office's name and status. */
  .outcome {
    flex-basis: 100%;
    align-items: center;
    margin: 0.5rem 0;
  }

  .dot {
    display: inline-block;
    width: 0.625rem;
    height: 0.625rem;
    margin-inline-end: 0.375rem;
    border-radius: 50%;
    background: currentColor;
  }

  [aria-current] .dot {
    background: var(--_accent);
    animation: pulse 1.2s infinite;
  }

  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }

  [part~='script'] {
    padding: var(--_space);
    border-inline-start: 4px solid var(--_accent);
    background: color-mix(in srgb, var(--_fg) 6%, var(--_bg));
    white-space: pre-line;
  }

  /* Out of the grid while empty, so it adds no gap, yet still in the accessibility tree. */
  [part~='status']:empty {
    position: absolute;
  }

  @container (min-width: 30rem) {
    :host([layout='compact']) form {
      grid-auto-flow: column;
      grid-template: auto auto auto / minmax(0, 3fr) minmax(0, 2fr);
      gap: 0.25rem var(--_space);
    }

    :host([layout='compact']) .field {
      grid-row: span 3;
      grid-template-rows: subgrid;
    }

    :host([layout='compact']) form > button {
      grid-row: 2;
    }

    :host([layout='compact']) .check {
      grid-area: 4 / 1 / 5 / -1;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
    }
  }
`);
