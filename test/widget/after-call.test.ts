import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, $$, button, callThrough, has, inState, next, phones, sent, shadow, startCall, status, step, submit, text, until, widget, withWebShare } from './helpers.ts';

/** The outcome buttons under each office that answered, as `{ pressed, disabled }` by label. */
const outcomeGroups = (el: CallPower) =>
  $$(el, '[part~="target"] [role="group"]').map((group) =>
    Object.fromEntries(
      [...group.querySelectorAll('button')].map((b) => [text(b), `${b.getAttribute('aria-pressed')}/${b.getAttribute('aria-disabled')}`]),
    ),
  );
const open = { 'I spoke to someone': 'false/false', 'I left a voicemail': 'false/false', 'No one answered': 'false/false' };

describe('<call-power> after each call', () => {
  it('is accessible while offering outcome buttons, and records the one the caller taps', async () => {
    const el = await widget();
    const { callId, targets } = await startCall(el);
    await step(callId, 5);
    await until(el, () => has(el, '[part~="outcome"]'), 'the first office answered and hung up');
    await expect(el).to.be.accessible();
    const group = $(el, '[part~="target"] [role="group"]');
    expect(group.getAttribute('aria-labelledby')!.split(' ').map((id) => text($(el, `#${id}`)))).to.deep.equal([
      'Senator Charles Schumer',
      'How did it go?',
    ]);
    expect(outcomeGroups(el)).to.deep.equal([open]);

    const reported = next(el, 'call-power-outcome');
    button(el, 'I spoke to someone').click();
    expect((await reported).detail).to.deep.equal({ callId, target: targets[0], index: 0, outcome: 'spoke' });
    await el.updateComplete;
    expect(outcomeGroups(el)).to.deep.equal([{ 'I spoke to someone': 'true/true', 'I left a voicemail': 'false/true', 'No one answered': 'false/true' }]);
    button(el, 'No one answered').click(); // the first answer counts: nothing more is sent
    expect((await sent(callId)).reports).to.deep.equal([{ index: 0, body: { outcome: 'spoke' } }]);

    const ended = next(el, 'call-power-call-ended');
    await step(callId, 6);
    const { detail } = await ended;
    expect(detail.legs.map((leg) => [leg.targetId, leg.status, leg.outcome])).to.deep.equal([
      ['S000148', 'completed', 'spoke'],
      ['G000555', 'busy', null],
      ['N000002', 'completed', null],
    ]);
    await until(el, () => inState(el, 'done'), 'done');
    // Offices that answered still take an answer on the thank-you view; the busy one never does.
    expect(outcomeGroups(el)).to.deep.equal([{ 'I spoke to someone': 'true/true', 'I left a voicemail': 'false/true', 'No one answered': 'false/true' }, open]);
    const late = next(el, 'call-power-outcome');
    $$(el, '[part~="outcome"]').find((b) => text(b) === 'No one answered' && b.getAttribute('aria-disabled') === 'false')!.click();
    expect((await late).detail).to.include({ index: 2, outcome: 'unavailable' });
    await expect(el).to.be.accessible();
  });

  it('says when an outcome cannot be recorded yet, and lets the caller try again', async () => {
    const el = await widget();
    const { callId } = await startCall(el);
    await step(callId, 5);
    await until(el, () => has(el, '[part~="outcome"]'), 'outcome buttons');
    const realFetch = window.fetch;
    // The server answers 409 while it has not stored the end of the leg.
    window.fetch = (input, init) => {
      window.fetch = realFetch;
      const error = { error: { code: 'outcome_not_ready', message: 'The leg has not ended.' } };
      return String(input).endsWith('/legs/0/outcome') ? Promise.resolve(Response.json(error, { status: 409 })) : realFetch(input, init);
    };
    try {
      const failed = next(el, 'call-power-error');
      button(el, 'I left a voicemail').click();
      expect((await failed).detail).to.include({ code: 'outcome_not_ready', status: 409, message: 'Tell us how it went once that call has ended.' });
      await el.updateComplete;
      expect(inState(el, 'calling')).to.be.true;
      expect(status(el)).to.contain('Tell us how it went once that call has ended.');
      expect(outcomeGroups(el)).to.deep.equal([open]);
      await expect(el).to.be.accessible();
    } finally {
      window.fetch = realFetch;
    }
    const reported = next(el, 'call-power-outcome');
    button(el, 'I left a voicemail').click();
    expect((await reported).detail.outcome).to.equal('voicemail');
    await el.updateComplete;
    expect(status(el)).to.not.contain('Tell us');
  });

  it('shows an outcome keyed in on the phone as chosen', async () => {
    const el = await widget();
    const detail = await callThrough(el, phones.keyed);
    expect(detail.legs.map((leg) => [leg.status, leg.outcome])).to.deep.equal([
      ['completed', 'voicemail'],
      ['busy', null],
      ['answered', 'voicemail'],
    ]);
    // `answered` is Twilio's other word for an office that answered.
    expect(text($$(el, '[part~="target"]')[2]!.querySelector('span:nth-of-type(2)'))).to.equal('Done');
    expect(status(el)).to.equal('Offices reached: 2 of 3.');
    const chosen = { 'I spoke to someone': 'false/true', 'I left a voicemail': 'true/true', 'No one answered': 'false/true' };
    expect(outcomeGroups(el)).to.deep.equal([chosen, chosen]);
    button(el, 'I spoke to someone').click();
    expect((await sent(detail.callId)).reports).to.deep.equal([]);
  });

  it('offers to call again only when the campaign does, and sends it only when ticked', async () => {
    const plain = await widget();
    expect(has(plain, '[type="checkbox"]')).to.be.false;

    const el = await widget('again');
    const box = $<HTMLInputElement>(el, '[type="checkbox"]');
    expect(text(box.closest('label'))).to.equal('Call me again every weekday between 10 am and 4 pm');
    expect(box.checked).to.be.false;
    await expect(el).to.be.accessible();

    // Not ticked: nothing sent, and the campaign's "call again" next step is offered instead.
    let { callId } = await callThrough(el);
    expect((await sent(callId)).body).to.not.have.property('callAgain');
    expect(text($$(el, '.actions').at(-1))).to.equal('Or call again tomorrow. Call again');
    button(el, 'Call again').click();
    await el.updateComplete;

    $<HTMLInputElement>(el, '[type="checkbox"]').click();
    ({ callId } = await callThrough(el));
    expect((await sent(callId)).body).to.include({ callAgain: true });
    expect(text(shadow(el).querySelector('.root'))).to.contain('We’ll call you again every weekday between 10 am and 4 pm.');
    expect(button(el, 'Call again')).to.be.undefined;
    await expect(el).to.be.accessible();
  });

  it('shares with the Web Share API where the browser has it', async () => {
    const shared: ShareData[] = [];
    await withWebShare(
      async (data) => void shared.push(data!),
      async () => {
        const el = await widget('custom');
        const targets = next(el, 'call-power-targets');
        await submit(el, phones.auto); // no ZIP code: the campaign calls its own list
        await targets;
        await el.updateComplete;
        button(el, 'Call me now').click();
        await until(el, () => inState(el, 'done'), 'done');
        button(el, 'Share').click();
        // The campaign's own URL, when it gives one, rather than the page's.
        expect(shared).to.deep.equal([{ url: 'https://example.org/share', text: 'I just called City Hall.' }]);
        await expect(el).to.be.accessible();
      },
    );
  });

  it('shares through links to the page where it has not', async () => {
    await withWebShare(undefined, async () => {
      const el = await widget('share');
      await callThrough(el);
      const group = $(el, '[role="group"][aria-label="Share"]');
      const links = [...group.querySelectorAll('a')];
      expect(links.map(text)).to.deep.equal(['WhatsApp', 'Facebook', 'X', 'Bluesky', 'Email']);
      const page = encodeURIComponent(location.href);
      const message = encodeURIComponent('I called Congress.');
      expect(links[1]!.href).to.equal(`https://www.facebook.com/sharer/sharer.php?u=${page}`);
      expect(links[2]!.href).to.equal(`https://x.com/intent/post?text=${message}&url=${page}`);
      expect(links[4]!.href).to.equal(`mailto:?body=${message}%20${page}`);
      expect(links.map((a) => a.target)).to.deep.equal(['_blank', '_blank', '_blank', '_blank', '']);
      await expect(el).to.be.accessible();
    });
  });

  it('shows the host page’s own next step from its `next` slot once the call is done', async () => {
    const el = await fixture<CallPower>(html`
      <call-power campaign="link">
        <form slot="next" hidden><label>Email <input type="email" /></label> <button>Keep me posted</button></form>
      </call-power>
    `);
    await until(el, () => has(el, 'form'), 'the widget');
    const signUp = el.querySelector('form')!;
    expect(signUp.getClientRects().length).to.equal(0);
    await callThrough(el);
    expect(signUp.getClientRects().length).to.be.greaterThan(0);
    // After the campaign's own next step.
    const campaignStep = button(el, 'Donate');
    expect(campaignStep.getBoundingClientRect().bottom).to.be.at.most(signUp.getBoundingClientRect().top);
    await expect(el).to.be.accessible();
  });
});
