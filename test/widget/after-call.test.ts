import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, $$, button, callThrough, focused, has, inState, loaded, next, phones, sent, shadow, startCall, status, step, submit, text, until, widget, withWebShare } from './helpers.ts';

/** The outcome buttons under each office that answered, as `{ pressed, disabled }` by label. */
const outcomeGroups = (el: CallPower) =>
  $$(el, '[part~="target"] [role="toolbar"]').map((group) =>
    Object.fromEntries(
      [...group.querySelectorAll('button')].map((b) => [text(b), `${b.getAttribute('aria-pressed')}/${b.getAttribute('aria-disabled')}`]),
    ),
  );
const open = { 'I spoke to someone': 'false/false', 'I left a voicemail': 'false/false', 'No one answered': 'false/false' };
const outcome = (el: CallPower, label: string, group = 0) => [...$$(el, '[part~="target"] [role="toolbar"]')[group]!.querySelectorAll('button')].find((b) => text(b) === label)!;

describe('<call-power> after each call', () => {
  it('asks how it went, lets a mis-tap be corrected until the call ends, then sends the choice', async () => {
    const el = await widget();
    const { callId, targets } = await startCall(el);
    await step(callId, 5);
    await until(el, () => has(el, '[part~="outcome"]'), 'the first office answered and hung up');
    // Announced in the live region while the phone asks the same.
    expect(status(el)).to.equal('How did your call to Senator Charles Schumer go? Answer on your phone or here.');
    await expect(el).to.be.accessible();
    const group = $(el, '[part~="target"] [role="toolbar"]');
    expect(group.getAttribute('aria-labelledby')!.split(' ').map((id) => text($(el, `#${id}`)))).to.deep.equal([
      'Senator Charles Schumer',
      'How did it go?',
    ]);
    expect(outcomeGroups(el)).to.deep.equal([open]);

    const reported: CustomEvent[] = [];
    el.addEventListener('call-power-outcome', (e) => reported.push(e));
    outcome(el, 'No one answered').click();
    await el.updateComplete;
    expect(outcomeGroups(el)).to.deep.equal([{ 'I spoke to someone': 'false/false', 'I left a voicemail': 'false/false', 'No one answered': 'true/false' }]);
    // It looks chosen, by more than its color.
    const [spoke, , unavailable] = group.querySelectorAll('button');
    expect(getComputedStyle(unavailable!).backgroundColor).to.equal('rgb(11, 87, 208)');
    expect(getComputedStyle(spoke!).backgroundColor).to.not.equal('rgb(11, 87, 208)');
    expect(getComputedStyle(unavailable!, '::before').content).to.contain('✓');
    expect(getComputedStyle(spoke!, '::before').content).to.equal('none');

    outcome(el, 'I spoke to someone').click(); // a correction: nothing has been sent yet
    await el.updateComplete;
    expect(outcomeGroups(el)).to.deep.equal([{ 'I spoke to someone': 'true/false', 'I left a voicemail': 'false/false', 'No one answered': 'false/false' }]);
    expect((await sent(callId)).reports).to.deep.equal([]);
    expect(reported).to.deep.equal([]);
    await expect(el).to.be.accessible();

    const ended = next(el, 'call-power-call-ended');
    const recorded = next(el, 'call-power-outcome');
    await step(callId, 6);
    const { detail } = await ended;
    expect(detail.legs.map((leg) => [leg.targetId, leg.status, leg.outcome])).to.deep.equal([
      ['S000148', 'completed', 'spoke'],
      ['G000555', 'busy', null],
      ['N000002', 'completed', null],
    ]);
    expect((await recorded).detail).to.deep.equal({ callId, target: targets[0], index: 0, outcome: 'spoke' });
    expect((await sent(callId)).reports).to.deep.equal([{ index: 0, body: { outcome: 'spoke' } }]);
    await until(el, () => inState(el, 'done'), 'done');
    expect(status(el)).to.equal('Offices reached: 2 of 3.');
    // Sent, the first office's answer is settled; the last office still takes one, sent at once.
    expect(outcomeGroups(el)).to.deep.equal([{ 'I spoke to someone': 'true/true', 'I left a voicemail': 'false/true', 'No one answered': 'false/true' }, open]);
    const late = next(el, 'call-power-outcome');
    outcome(el, 'No one answered', 1).click();
    expect((await late).detail).to.include({ index: 2, outcome: 'unavailable' });
    await el.updateComplete;
    // "Offices reached" counts offices that answered, and not one where the caller says no one did.
    expect(status(el)).to.equal('Offices reached: 1 of 3.');
    outcome(el, 'I spoke to someone', 1).click();
    expect((await sent(callId)).reports).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it('makes each group of outcome buttons one tab stop, moved along with the arrow keys', async () => {
    const el = await widget();
    const { callId } = await startCall(el);
    await step(callId, 5);
    await until(el, () => has(el, '[part~="outcome"]'), 'outcome buttons');
    const tabStops = () => $$(el, '[part~="outcome"]').map((b) => b.tabIndex);
    expect(tabStops()).to.deep.equal([0, -1, -1]);
    $(el, '[part~="outcome"]').focus();
    // Tab leaves the group rather than visiting its other buttons.
    await sendKeys({ press: 'Tab' });
    expect(['I left a voicemail', 'No one answered']).to.not.include(focused(el));
    $(el, '[part~="outcome"]').focus();
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)).to.equal('I left a voicemail');
    expect(tabStops()).to.deep.equal([-1, 0, -1]);
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)).to.equal('I spoke to someone');
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused(el)).to.equal('No one answered');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(outcome(el, 'No one answered').getAttribute('aria-pressed')).to.equal('true');
    expect(tabStops()).to.deep.equal([-1, -1, 0]);
  });

  it('says when an outcome cannot be recorded yet, and lets the caller try again', async () => {
    const el = await widget();
    await callThrough(el);
    const realFetch = window.fetch;
    // The server answers 409 while it has not stored the end of the leg.
    window.fetch = (input, init) => {
      window.fetch = realFetch;
      const error = { error: { code: 'outcome_not_ready', message: 'The leg has not ended.' } };
      return String(input).endsWith('/legs/0/outcome') ? Promise.resolve(Response.json(error, { status: 409 })) : realFetch(input, init);
    };
    try {
      const failed = next(el, 'call-power-error');
      outcome(el, 'I left a voicemail').click();
      expect((await failed).detail).to.include({ code: 'outcome_not_ready', status: 409, message: 'Tell us how it went once that call has ended.' });
      await el.updateComplete;
      expect(inState(el, 'done')).to.be.true;
      expect(status(el)).to.contain('Tell us how it went once that call has ended.');
      expect(outcomeGroups(el)).to.deep.equal([open, open]);
      await expect(el).to.be.accessible();
    } finally {
      window.fetch = realFetch;
    }
    const reported = next(el, 'call-power-outcome');
    outcome(el, 'I left a voicemail').click();
    expect((await reported).detail.outcome).to.equal('voicemail');
    await el.updateComplete;
    expect(status(el)).to.not.contain('Tell us');
  });

  it('shows an outcome keyed in on the phone as chosen, over one tapped during the call', async () => {
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
    outcome(el, 'I spoke to someone').click();
    expect((await sent(detail.callId)).reports).to.deep.equal([]);
  });

  it('offers to call again only when the campaign does, and confirms it only once the phone did', async () => {
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

    // Ticked, and confirmed with 1 at the gate.
    $<HTMLInputElement>(el, '[type="checkbox"]').click();
    ({ callId } = await callThrough(el));
    expect((await sent(callId)).body).to.include({ callAgain: true });
    expect(text(shadow(el).querySelector('.root'))).to.contain('We’ll call you again every weekday between 10 am and 4 pm.');
    expect(button(el, 'Call again')).to.be.undefined;
    await expect(el).to.be.accessible();

    // Ticked, but the person who answered did not confirm: no promise to call again.
    const declined = await widget('again');
    $<HTMLInputElement>(declined, '[type="checkbox"]').click();
    ({ callId } = await callThrough(declined, phones.declines));
    expect((await sent(callId)).body).to.include({ callAgain: true });
    expect(text(shadow(declined).querySelector('.root'))).to.not.contain('We’ll call you again');
    expect(!!button(declined, 'Call again')).to.be.true;
  });

  it('shows the phone offering to call again, and confirms an opt-in pressed on the phone', async () => {
    const el = await widget('again');
    const { callId } = await startCall(el);
    await step(callId, 10);
    await until(el, () => status(el) === 'Your phone is asking if we may call you again.', 'the offer');
    await expect(el).to.be.accessible();
    await step(callId, 2);
    await until(el, () => inState(el, 'done'), 'done');
    expect(text(shadow(el).querySelector('.root'))).to.not.contain('We’ll call you again');

    const opted = await widget('again');
    await callThrough(opted, phones.optsIn);
    expect(text(shadow(opted).querySelector('.root'))).to.contain('We’ll call you again every weekday between 10 am and 4 pm.');
    expect(button(opted, 'Call again')).to.be.undefined;
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
    await loaded(el);
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
