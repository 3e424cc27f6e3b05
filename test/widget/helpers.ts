/// <reference types="mocha" />
import { fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { CallPower } from '../../widget/call-power.ts';

export const phones = {
  manual: '+12025550100',
  fallback: '+12025550101',
  unanswered: '+12025550111',
  polling: '+12025550122',
  refused: '+12025550133',
  limited: '+12025550144',
  paused: '+12025550155',
  keyed: '+12025550166',
  perDay: '+12025550177',
  optsIn: '+12025550188',
  declines: '+12025550189',
  auto: '+12025550199',
};

export const shadow = (el: CallPower) => el.shadowRoot!;
export const $ = <T extends Element = HTMLElement>(el: CallPower, selector: string) => shadow(el).querySelector<T>(selector)!;
export const $$ = <T extends Element = HTMLElement>(el: CallPower, selector: string) => [...shadow(el).querySelectorAll<T>(selector)];
export const has = (el: CallPower, selector: string) => !!shadow(el).querySelector(selector);
export const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
export const status = (el: CallPower) => text($(el, '[part~="status"]'));
export const inState = (el: CallPower, state: string) => el.matches(`:state(${state})`);
/** What has focus inside the widget, by id or else by text: comparing elements makes chai hang on failure. */
export const focused = (el: CallPower) => {
  const active = shadow(el).activeElement;
  return active ? active.id || text(active) : null;
};
/** Clicks a button the way a person does, focusing it first. */
export function press(target: HTMLElement) {
  target.focus();
  target.click();
}

export async function until(el: CallPower, predicate: () => unknown, message: string) {
  await waitUntil(predicate, message, { timeout: 5000 });
  await el.updateComplete;
}

/** Resolves once the widget's campaign has loaded: the form (shown at once) can be sent. */
export const loaded = (el: CallPower) => until(el, () => has(el, 'form button:enabled'), 'campaign loaded');

/** A widget for `campaign`, once its campaign has loaded. */
export async function widget(campaign = 'demo', attrs: Record<string, string> = {}) {
  const el = await fixture<CallPower>(html`<call-power campaign=${campaign}></call-power>`);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  await loaded(el);
  return el;
}

/** Types into a field the way a person does: value, then an input event. */
export function type(el: CallPower, id: string, value: string) {
  const input = $<HTMLInputElement>(el, `#${id}`);
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export async function submit(el: CallPower, phone: string, zip?: string) {
  type(el, 'phone', phone);
  if (zip !== undefined) type(el, 'zip', zip);
  await el.updateComplete;
  $<HTMLButtonElement>(el, 'form button').click();
  await el.updateComplete;
}

/** Submits the form and waits for the offices to be shown. */
export async function lookUp(el: CallPower, phone = phones.auto, zip = '10001') {
  const targets = next(el, 'call-power-targets');
  await submit(el, phone, zip);
  await targets;
  await el.updateComplete;
}

export const button = (el: CallPower, label: string | RegExp) =>
  $$<HTMLButtonElement>(el, 'button, a').find((b) => (typeof label === 'string' ? text(b) === label : label.test(text(b))))!;

/** The next `type` event on `target`, typed from GlobalEventHandlersEventMap. */
export const next = <K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, type: K) =>
  oneEvent(target, type) as Promise<GlobalEventHandlersEventMap[K]>;

export async function step(callId: string, times = 1) {
  for (let i = 0; i < times; i++) await fetch(`/fake/calls/${callId}/step`, { method: 'POST' });
}

/** Stops the fake server as a restart does: it ends the call's streams, is down `down` ms, and may come back without the call. */
export async function restart(callId: string, options: { down: number; forget?: boolean }) {
  await fetch(`/fake/calls/${callId}/restart`, { method: 'POST', body: JSON.stringify(options) });
}

/** What the widget sent to place call `callId`, and the outcomes it reported (the fake API's record). */
export const sent = async (callId: string) =>
  (await fetch(`/fake/calls/${callId}`)).json() as Promise<{ body: Record<string, unknown>; reports: { index: number; body: unknown }[] }>;

/** Looks up, confirms and waits for the call to start; with the manual phone, the test then drives each step. */
export async function startCall(el: CallPower, phone = phones.manual, zip = '10001') {
  await lookUp(el, phone, zip);
  const started = next(el, 'call-power-call-started');
  $(el, '.actions button:not([part~="secondary"])').click(); // "Call me now", in any language
  const { detail } = await started;
  await el.updateComplete;
  return detail;
}

/** Places a call that runs by itself and waits for the thank-you view. */
export async function callThrough(el: CallPower, phone = phones.auto) {
  const ended = next(el, 'call-power-call-ended');
  await startCall(el, phone);
  const { detail } = await ended;
  await until(el, () => inState(el, 'done'), 'done');
  return detail;
}

/** Runs `test` with the browser's Web Share API present (as `share`) or missing (as `undefined`). */
export async function withWebShare(share: Navigator['share'] | undefined, test: () => Promise<void>) {
  const own = Object.getOwnPropertyDescriptor(Navigator.prototype, 'share');
  if (share) Object.defineProperty(Navigator.prototype, 'share', { configurable: true, value: share });
  else delete (Navigator.prototype as Partial<Navigator>).share;
  try {
    await test();
  } finally {
    if (own) Object.defineProperty(Navigator.prototype, 'share', own);
    else delete (Navigator.prototype as Partial<Navigator>).share;
  }
}
