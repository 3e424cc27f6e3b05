import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, button, focused, has, inState, lookUp, next, phones, press, status, submit, text, until, widget } from './helpers.ts';

/** Places a call from the confirm view and returns the error event it ends in. */
async function callFails(el: CallPower, phone: string) {
  await lookUp(el, phone);
  const failed = next(el, 'call-power-error');
  press(button(el, 'Call me now'));
  const event = await failed;
  await el.updateComplete;
  await el.updateComplete;
  return event.detail;
}

describe('<call-power> errors', () => {
  it('is accessible in the error state, with the error in the live region and a retry button', async () => {
    const el = await widget();
    const detail = await callFails(el, phones.paused);
    expect(detail).to.include({ code: 'campaign_paused', status: 409 });
    expect(inState(el, 'error')).to.be.true;
    const region = $(el, '[role="status"]');
    expect(text(region.querySelector('[part~="error"]'))).to.equal('This campaign is paused. Please check back later.');
    expect(focused(el)).to.equal('Try again');
    await expect(el).to.be.accessible();
  });

  it('puts a refused number next to the phone field, and lets the caller fix it', async () => {
    const el = await widget();
    const detail = await callFails(el, phones.refused);
    expect(detail).to.deep.equal({
      code: 'invalid_phone',
      message: 'We can’t call that number. Check it and try again.',
      status: 422,
      field: 'phone',
      retryAfter: undefined,
    });
    expect(inState(el, 'idle')).to.be.true;
    const phone = $<HTMLInputElement>(el, '#phone');
    expect(phone.getAttribute('aria-invalid')).to.equal('true');
    expect(phone.getAttribute('aria-describedby')).to.contain('phone-error');
    expect(text($(el, '#phone-error'))).to.equal('We can’t call that number. Check it and try again.');
    expect(focused(el)).to.equal('phone');
    await expect(el).to.be.accessible();

    const targets = next(el, 'call-power-targets');
    await submit(el, phones.auto, '10001');
    await targets;
    expect(inState(el, 'confirm')).to.be.true;
  });

  it('puts an unknown ZIP code next to the ZIP field', async () => {
    const el = await widget();
    const failed = next(el, 'call-power-error');
    await submit(el, phones.auto, '00000');
    expect((await failed).detail).to.include({ code: 'invalid_zip', field: 'zip', status: 422 });
    await el.updateComplete;
    await el.updateComplete;
    expect(text($(el, '#zip-error'))).to.equal('We don’t know that ZIP code. Check it and try again.');
    expect(focused(el)).to.equal('zip');
  });

  it('names when a rate-limited caller may try again, and retries', async () => {
    const el = await widget();
    const detail = await callFails(el, phones.limited);
    expect(detail).to.include({ code: 'rate_limited', status: 429, retryAfter: 120 });
    expect(status(el)).to.equal('Too many calls from here. Please try again in 2 minutes.');

    const again = next(el, 'call-power-error');
    button(el, 'Try again').click();
    expect((await again).detail.code).to.equal('rate_limited');
  });

  it('says when we could not reach the caller, and calls again on retry', async () => {
    const el = await widget();
    const ended = next(el, 'call-power-call-ended');
    const detail = await callFails(el, phones.unanswered);
    expect((await ended).detail.status).to.equal('no-answer');
    expect(detail.code).to.equal('call_unanswered');
    expect(status(el)).to.equal('We called (202) 555-0111 but couldn’t reach you.');

    const started = next(el, 'call-power-call-started');
    button(el, 'Try again').click();
    await started;
    expect(inState(el, 'calling')).to.be.true;
  });

  it('says the network is down, shows the fallback content, and recovers on retry', async () => {
    const realFetch = window.fetch;
    window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    try {
      const el = await fixture<CallPower>(html`
        <call-power campaign="demo"><a href="tel:+12022243121">Call the Capitol switchboard</a></call-power>
      `);
      await until(el, () => inState(el, 'error'), 'error');
      expect(status(el)).to.equal('We can’t reach the calling service. Check your connection.');
      const fallback = el.querySelector('a')!;
      expect(fallback.getClientRects().length).to.be.greaterThan(0);
      await expect(el).to.be.accessible();

      window.fetch = realFetch;
      button(el, 'Try again').click();
      await until(el, () => $(el, 'form'), 'form');
      expect(fallback.getClientRects().length).to.equal(0);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('reports a real network failure as `network`', async () => {
    const el = await fixture<CallPower>(html`<call-power campaign="demo" api="http://127.0.0.1:9"></call-power>`);
    await until(el, () => inState(el, 'error'), 'error');
    expect(status(el)).to.equal('We can’t reach the calling service. Check your connection.');
  });

  it('says when calling is unavailable', async () => {
    const failed = next(document, 'call-power-error');
    const el = await fixture<CallPower>(html`<call-power campaign="down"></call-power>`);
    expect((await failed).detail).to.include({ code: 'unavailable', status: 503 });
    await el.updateComplete;
    expect(status(el)).to.equal('Calling is unavailable right now. Try again in a few minutes.');
  });

  it('explains unknown, paused and ended campaigns', async () => {
    for (const [campaign, message] of [
      ['nope', 'We couldn’t find this campaign.'],
      ['paused', 'This campaign is paused. Please check back later.'],
      ['archived', 'This campaign has ended.'],
    ]) {
      const el = await fixture<CallPower>(html`<call-power campaign=${campaign}></call-power>`);
      await until(el, () => inState(el, 'error'), `error for ${campaign}`);
      expect(status(el)).to.equal(message);
      expect(has(el, 'form')).to.be.false;
    }
  });
});
