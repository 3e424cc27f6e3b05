import { expect } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, callThrough, has, phones, status, step, text, until, widget } from './helpers.ts';

// Only this file places calls on the fake `counter` campaign, whose figures start at 1,500 calls
// (8 for any referral code) and grow with each call placed since the last reset.

const figure = (el: CallPower) => text($(el, '[part~="count"]'));
/** The count requests the fake API has had since the last reset. */
const countRequests = async () => (await (await fetch('/fake/counts')).json()) as string[];

/** The page as switching tabs leaves it; a test page in the background may really be hidden. */
function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Holds the widget's 15-second refresh timers, so that a test fires them rather than waiting. */
function holdRefreshTimers() {
  const { setTimeout: realSet, clearTimeout: realClear } = window;
  const held = new Map<number, () => void>();
  let ids = 0;
  window.setTimeout = ((handler: () => void, ms?: number, ...rest: unknown[]) => {
    if (ms !== 15000) return realSet(handler, ms, ...rest);
    held.set(--ids, handler); // negative: never one of the browser's own ids
    return ids;
  }) as typeof setTimeout;
  window.clearTimeout = ((id?: number) => {
    held.delete(id!);
    realClear(id);
  }) as typeof clearTimeout;
  return {
    get pending() {
      return held.size;
    },
    fire() {
      const handlers = [...held.values()];
      held.clear();
      for (const handler of handlers) handler();
    },
    restore() {
      window.setTimeout = realSet;
      window.clearTimeout = realClear;
    },
  };
}

describe('<call-power show-count>', () => {
  let timers: ReturnType<typeof holdRefreshTimers>;
  beforeEach(async () => {
    await fetch('/fake/counts', { method: 'DELETE' });
    setHidden(false);
    timers = holdRefreshTimers();
  });
  afterEach(() => {
    timers.restore();
    Reflect.deleteProperty(document, 'hidden');
  });

  it('is accessible and shows the campaign’s live count', async () => {
    const el = await widget('counter', { 'show-count': '' });
    await until(el, () => has(el, '[part~="count"]'), 'the count');
    expect(figure(el)).to.equal('Calls made so far: 1,500', 'calls started, as the dashboard counts them');
    await expect(el).to.be.accessible();
    expect(await countRequests()).to.deep.equal(['/api/campaigns/counter/count']);

    const es = await widget('counter', { 'show-count': '', lang: 'es' });
    await until(es, () => has(es, '[part~="count"]'), 'the count');
    expect(figure(es)).to.equal('Llamadas hechas hasta ahora: 1500');

    const none = await widget('counter');
    expect(has(none, '[part~="count"]')).to.be.false;
    expect(await countRequests()).to.have.length(2);
  });

  it('refreshes when the caller’s call ends, announcing the new figure once', async () => {
    const el = await widget('counter', { 'show-count': '' });
    await until(el, () => figure(el), 'the count');
    await callThrough(el);
    await until(el, () => figure(el) === 'Calls made so far: 1,501', 'this call');
    expect(status(el)).to.equal('Offices reached: 2 of 3. Calls made so far: 1,501');

    // Someone else's call: the counter moves on the next tick, the live region does not.
    const other = await fetch('/api/campaigns/counter/calls', { method: 'POST', body: JSON.stringify({ phone: phones.manual, zip: '10001' }) });
    await step(((await other.json()) as { call: { id: string } }).call.id, 5);
    timers.fire();
    await until(el, () => figure(el) === 'Calls made so far: 1,502', 'the next tick');
    expect(status(el)).to.equal('Offices reached: 2 of 3. Calls made so far: 1,501');
  });

  it('counts only its referral code with count-scope="ref"', async () => {
    const el = await widget('counter', { 'show-count': '', ref: 'spring', 'count-scope': 'ref' });
    await until(el, () => figure(el), 'the count');
    expect(figure(el)).to.equal('Calls made so far: 8');
    await callThrough(el);
    await until(el, () => figure(el) === 'Calls made so far: 9', 'this call, under its code');

    const whole = await widget('counter', { 'show-count': '', ref: 'spring' });
    await until(whole, () => figure(whole), 'the count');
    expect(figure(whole)).to.equal('Calls made so far: 1,501');
    expect(await countRequests()).to.deep.equal([
      '/api/campaigns/counter/count?ref=spring',
      '/api/campaigns/counter/count?ref=spring',
      '/api/campaigns/counter/count',
    ]);
  });

  it('refreshes every 15 seconds while the page is shown, stops while it is hidden, and catches up when shown', async () => {
    const el = await widget('counter', { 'show-count': '' });
    await until(el, () => figure(el), 'the count');
    expect(timers.pending).to.equal(1);
    timers.fire();
    await until(el, async () => (await countRequests()).length === 2, 'a refresh');
    expect(timers.pending).to.equal(1);

    setHidden(true);
    expect(timers.pending).to.equal(0);
    setHidden(true);
    expect(timers.pending).to.equal(0);

    setHidden(false);
    await until(el, async () => (await countRequests()).length === 3, 'a refresh on coming back');
    expect(timers.pending).to.equal(1);

    el.remove();
    expect(timers.pending).to.equal(0);
  });
});
