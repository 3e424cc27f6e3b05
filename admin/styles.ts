import { css } from 'lit';

/** Shared by every dashboard element: plain, readable, one column on a phone. */
export const base = css`
  :host {
    display: block;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3 {
    margin: 0 0 0.75rem;
    line-height: 1.25;
  }
  h2:focus,
  h3:focus {
    outline: none;
  }
  p {
    margin: 0 0 0.75rem;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input,
  select,
  textarea,
  button {
    font: inherit;
    max-width: 100%;
  }
  input,
  select,
  textarea {
    width: 100%;
    padding: 0.45rem 0.55rem;
    border: 1px solid var(--line);
    border-radius: 0.35rem;
    background: var(--bg);
    color: var(--fg);
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: auto;
    margin: 0 0.4rem 0 0;
    vertical-align: middle;
  }
  label:has(> input[type='checkbox'], > input[type='radio']) {
    font-weight: normal;
  }
  textarea {
    min-height: 5rem;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: var(--danger);
    outline: 2px solid var(--danger);
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border: 1px solid var(--accent);
    border-radius: 0.35rem;
    background: var(--accent);
    color: #fff;
    cursor: pointer;
    text-decoration: none;
  }
  button.secondary,
  .button.secondary {
    background: transparent;
    color: var(--accent);
  }
  button.danger {
    border-color: var(--danger);
    background: transparent;
    color: var(--danger);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .field {
    margin-bottom: 0.9rem;
  }
  .hint {
    color: var(--muted);
    font-size: 0.9rem;
    margin: 0.2rem 0 0;
  }
  .error {
    color: var(--danger);
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: start;
  }
  .row > .field {
    flex: 1 1 9rem;
  }
  .row > .field:has(> button) {
    flex: 0 0 auto;
    align-self: end;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0.75rem 0;
  }
  section,
  fieldset {
    margin: 0 0 1.25rem;
    padding: 1rem;
    border: 1px solid var(--line);
    border-radius: 0.5rem;
    background: var(--panel);
    min-width: 0;
  }
  legend {
    font-weight: 700;
    padding: 0 0.3rem;
  }
  /* A wide table scrolls sideways in here. Without a button inside, the box takes tabindex="0" and a
     region name, so the keyboard can scroll it too. */
  .scroll {
    overflow-x: auto;
    /* Holds absolutely placed content (a visually hidden header) inside the scrolling box, not the page. */
    position: relative;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--line);
    text-align: right;
    white-space: nowrap;
  }
  th:first-child,
  td:first-child {
    text-align: left;
    white-space: normal;
  }
  .status {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 1rem;
    font-size: 0.85rem;
    border: 1px solid currentColor;
  }
  .status-active {
    color: var(--ok);
  }
  .status-paused {
    color: var(--warn);
  }
  .status-archived {
    color: var(--muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
