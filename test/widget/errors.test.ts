import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, button, focused, has, inState, loaded, lookUp, next, phones, press, restart, shadow, startCall, status, step, submit, text, until, widget } from './helpers.ts';

/** The widget's whole text: never a stray `false` from a condition rendered as a value. */
const shownText = (el: CallPower) => text(shadow(el).querySelector('.root'));

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
    expect(shownText(el)).to.not.match(/\bfalse\b/);
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
    expect(shownText(el)).to.not.match(/\bfalse\b/);

    const again = next(el, 'call-power-error');
    button(el, 'Try again').click();
    expect((await again).detail.code).to.equal('rate_limited');
  });

  it('says a number has made its calls for the day, in those words, without a "Try again" that would fail for hours', async () => {
    const el = await widget('demo');
    const detail = await callFails(el, phones.perDay);
    // The wait comes from the error body: a cross-origin page may not be shown Retry-After.
    expect(detail).to.include({ code: 'rate_limited', status: 429, retryAfter: 30000 });
    expect(status(el)).to.equal('You have already called 3 times today with this number. You can call again in 9 hours.');
    expect(detail.message).to.equal(status(el));
    expect(button(el, 'Try again')).to.be.undefined;
    expect(focused(el)).to.equal(status(el));
    expect(shownText(el)).to.not.match(/\bfalse\b/);
    await expect(el).to.be.accessible();
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
      expect(shownText(el)).to.not.match(/\bfalse\b/);
      const fallback = el.querySelector('a')!;
      expect(fallback.getClientRects().length).to.be.greaterThan(0);
      await expect(el).to.be.accessible();

      window.fetch = realFetch;
      button(el, 'Try again').click();
      await loaded(el);
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
      expect(shownText(el)).to.not.match(/\bfalse\b/);
    }
  });

  it('says it is reconnecting while the server restarts mid-call, and carries on when it is back', async () => {
    const el = await widget();
    const errors: string[] = [];
    el.addEventListener('call-power-error', (e) => errors.push(e.detail.code));
    const { callId } = await startCall(el);
    await step(callId, 4);
    await until(el, () => status(el).startsWith('You’re connected'), 'first office connected');

    // The server ends the stream with `event: restarting` and is down a moment: EventSource comes back by itself.
    await restart(callId, { down: 1000 });
    await until(el, () => status(el) === 'Reconnecting…', 'reconnecting');
    expect(inState(el, 'calling')).to.be.true;
    await expect(el).to.be.accessible();
    await step(callId); // the call goes on while the widget is away
    await until(el, () => status(el).startsWith('How did your call'), 'back, at the outcome question');

    const ended = next(el, 'call-power-call-ended');
    await step(callId, 6);
    expect((await ended).detail.status).to.equal('completed');
    expect(errors).to.deep.equal([]);
  }).timeout(15000);

  it('keeps trying with backoff through a longer outage, polling until the stream works again', async () => {
    const el = await widget('demo', { lang: 'es' });
    const errors: string[] = [];
    el.addEventListener('call-power-error', (e) => errors.push(e.detail.code));
    const { callId } = await startCall(el);
    await step(callId, 2);
    await until(el, () => status(el).startsWith('Escucha'), 'at the gate');

    // Down past EventSource's own retries (every 2 s) and a first failed poll.
    await restart(callId, { down: 6500 });
    await until(el, () => status(el) === 'Reconectando…', 'reconnecting');
    await step(callId);
    await waitUntil(() => status(el).startsWith('Conectándote'), 'back, with the first office ringing', { timeout: 15000 });
    expect(status(el)).to.not.contain('conexión');
    // Live again over the stream: a step shows at once, without waiting for a poll.
    await step(callId);
    await until(el, () => status(el).startsWith('Estás conectado'), 'connected');
    expect(errors).to.deep.equal([]);
  }).timeout(25000);

  it('stops following a call only when the server answers with an error', async () => {
    const el = await widget();
    const { callId } = await startCall(el);
    await step(callId, 2);
    await until(el, () => status(el).startsWith('Listen'), 'at the gate');
    const failed = next(el, 'call-power-error');
    await restart(callId, { down: 500, forget: true });
    expect((await failed).detail).to.include({ code: 'not_found', status: 404 });
    await el.updateComplete;
    expect(inState(el, 'error')).to.be.true;
  }).timeout(15000);
});
