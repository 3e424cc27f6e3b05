import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/define.ts';
import { $, $$, button, focused, has, inState, sent, lookUp, next, phones, press, shadow, startCall, status, step, submit, text, type, until, widget } from './helpers.ts';

describe('<call-power>', () => {
  it('is accessible and idle once its campaign has loaded', async () => {
    const el = await widget();
    await expect(el).to.be.accessible();
    expect(inState(el, 'idle')).to.be.true;
    expect(el.phase).to.equal('idle');
    expect(text($(el, 'h2'))).to.equal('Call Congress');
    const phone = $<HTMLInputElement>(el, '#phone');
    expect(phone.type).to.equal('tel');
    expect(phone.autocomplete).to.equal('tel');
    expect(text($(el, 'label[for="phone"]'))).to.equal('Your phone number');
    expect(text($(el, '#phone-hint'))).to.equal('We’ll call you at this number.');
  });

  it('validates the phone as it is typed, once the field has been left', async () => {
    const el = await widget();
    const phone = $<HTMLInputElement>(el, '#phone');
    type(el, 'phone', '202555');
    await el.updateComplete;
    expect(phone.getAttribute('aria-invalid')).to.equal('false');
    phone.dispatchEvent(new FocusEvent('blur'));
    await el.updateComplete;
    expect(phone.getAttribute('aria-invalid')).to.equal('true');
    expect(phone.getAttribute('aria-describedby')).to.equal('phone-hint phone-error');
    expect(text($(el, '#phone-error'))).to.equal('Enter a phone number we can call, with its area code.');
    await expect(el).to.be.accessible();
    type(el, 'phone', '202 555 0199');
    await el.updateComplete;
    expect(phone.getAttribute('aria-invalid')).to.equal('false');
    expect(has(el, '#phone-error')).to.be.false;
    expect(text($(el, '#phone-hint'))).to.equal('We’ll call you at (202) 555-0199.');
  });

  it('refuses numbers the server would not ring, such as toll-free ones', async () => {
    const el = await widget();
    await submit(el, '800 555 1234', '10001');
    expect(text($(el, '#phone-error'))).to.equal('Enter a phone number we can call, with its area code.');
  });

  it('keeps the caller on the form, focused on the first problem, when a field is wrong', async () => {
    const el = await widget();
    let submitted = false;
    el.addEventListener('call-power-submit', () => (submitted = true));
    await submit(el, '', '123');
    await el.updateComplete;
    expect(submitted).to.be.false;
    expect(focused(el)).to.equal('phone');
    expect(text($(el, '#phone-error'))).to.equal('Enter your phone number.');
    expect(text($(el, '#zip-error'))).to.equal('Enter your 5-digit ZIP code.');
  });

  it('prefills the ZIP code from its attribute', async () => {
    const el = await widget('demo', { zip: '94110' });
    await el.updateComplete;
    expect($<HTMLInputElement>(el, '#zip').value).to.equal('94110');
  });

  it('says it is looking up, in the looking-up state', async () => {
    const el = await widget();
    await submit(el, phones.auto, '50300');
    expect(inState(el, 'looking-up')).to.be.true;
    expect(status(el)).to.equal('Looking up who to call…');
    await expect(el).to.be.accessible();
    await until(el, () => inState(el, 'confirm'), 'confirm');
  });

  it('fires call-power-submit (cancelable) with the number in E.164', async () => {
    const el = await widget();
    const submitted = next(document, 'call-power-submit');
    await submit(el, '(202) 555-0199', '10001');
    const event = await submitted;
    expect(event.detail).to.deep.equal({ campaign: 'demo', phone: '+12025550199', zip: '10001' });
    expect(event.bubbles && event.composed && event.cancelable).to.be.true;

    const other = await widget();
    other.addEventListener('call-power-submit', (e) => e.preventDefault());
    await submit(other, '(202) 555-0199', '10001');
    expect(inState(other, 'idle')).to.be.true;
  });

  it('shows whom the caller will reach before calling', async () => {
    const el = await widget();
    const targets = next(document, 'call-power-targets');
    await submit(el, phones.auto, '10001');
    const { detail } = await targets;
    await el.updateComplete;
    expect(detail.campaign).to.equal('demo');
    expect(detail.targets.map((t) => t.id)).to.deep.equal(['S000148', 'G000555', 'N000002']);
    expect(detail.location).to.deep.equal({ zip: '10001', state: 'NY', districts: ['NY-12'] });
    expect(inState(el, 'confirm')).to.be.true;
    expect($$(el, '[part~="target"]').map(text)).to.deep.equal([
      'Senator Charles Schumer D · NY',
      'Senator Kirsten Gillibrand D · NY',
      'Representative Jerrold Nadler D · NY-12',
    ]);
    expect(text(el.shadowRoot!.querySelector('[part~="targets"] + p'))).to.equal('Offices close at 5 pm Eastern.');
    await expect(el).to.be.accessible();
  });

  it('shows a seat reached through the switchboard, and why, in the widget’s language', async () => {
    const el = await widget('demo', { lang: 'es' });
    await lookUp(el, phones.auto, '32301');
    expect($$(el, '[part~="target"]').map(text)).to.deep.equal(['la oficina de Florida en el Senado FL']);
    expect(text($(el, '[part~="targets"] + p'))).to.equal('El mandato de Ashley Moody terminó el 2026-11-03.');
    await expect(el).to.be.accessible();
  });

  it('lets a caller in a split ZIP choose their district', async () => {
    const el = await widget();
    await lookUp(el, phones.auto, '94110');
    expect($$(el, '[part~="target"]')).to.have.length(2, 'before a choice, only the senators');
    const radios = $$<HTMLInputElement>(el, 'input[name="district"]');
    expect(radios.map((r) => r.value)).to.deep.equal(['CA-11', 'CA-12']);
    expect(radios.map((r) => text(r.closest('label')))).to.deep.equal(['CA-11 — Representative Nancy Pelosi', 'CA-12 — Representative Lateefah Simon']);
    expect(text($(el, 'legend'))).to.equal('Your ZIP code spans districts. Which is yours?');
    expect(text($(el, '[part~="targets"] + p'))).to.equal('Offices are busy today.');

    press(button(el, 'Call me now'));
    await el.updateComplete;
    await el.updateComplete;
    expect(text($(el, '#district-error'))).to.equal('Choose your district.');
    expect(shadow(el).activeElement === radios[0]).to.be.true;
    await expect(el).to.be.accessible();

    const again = next(el, 'call-power-targets');
    radios[1]!.click();
    const { detail } = await again;
    await el.updateComplete;
    expect(detail.targets.map((t) => t.id)).to.deep.equal(['P000145', 'S001150', 'S001231']);
    expect($$(el, '[part~="target"]')).to.have.length(3);
    expect(has(el, '#district-error')).to.be.false;

    const started = next(el, 'call-power-call-started');
    button(el, 'Call me now').click();
    const { callId } = (await started).detail;
    expect((await sent(callId)).body).to.deep.equal({ phone: phones.auto, zip: '94110', district: 'CA-12', lang: 'en' });
  });

  it('goes back to the form, keeping what was typed', async () => {
    const el = await widget();
    await lookUp(el, '202-555-0199', '10001');
    button(el, 'Change my details').click();
    await el.updateComplete;
    expect(inState(el, 'idle')).to.be.true;
    expect($<HTMLInputElement>(el, '#phone').value).to.equal('202-555-0199');
    expect($<HTMLInputElement>(el, '#zip').value).to.equal('10001');
  });

  it('calls: shows what the phone is doing at each step, the script and each office’s progress, then says thanks', async () => {
    const el = await widget();
    const legStarts: CustomEvent[] = [];
    const legEnds: CustomEvent[] = [];
    document.addEventListener('call-power-leg-started', (e) => legStarts.push(e));
    document.addEventListener('call-power-leg-ended', (e) => legEnds.push(e));
    const labels = () => $$(el, '[part~="target"] > span:nth-of-type(2)').map(text);

    const { callId, targets, campaign } = await startCall(el);
    expect(campaign).to.equal('demo');
    expect(targets.map((t) => t.id)).to.deep.equal(['S000148', 'G000555', 'N000002']);
    expect(inState(el, 'calling')).to.be.true;
    expect(status(el)).to.equal('Placing your call…');
    expect(text($(el, '[part~="script"]'))).to.contain('I’m calling Senator Charles Schumer to ask');
    await expect(el).to.be.accessible();

    await step(callId);
    await until(el, () => status(el).startsWith('We’re calling you'), 'ringing the caller');
    expect(status(el)).to.equal('We’re calling you at (202) 555-0100. Answer, then press 1.');

    await step(callId);
    await until(el, () => status(el) === 'Listen, then press 1 to be connected.', 'at the press-1 gate');
    expect(labels()).to.deep.equal(['Up next', 'Later', 'Later']);

    await step(callId);
    await until(el, () => status(el).startsWith('Connecting'), 'first office ringing');
    expect(status(el)).to.equal('Connecting you to Senator Charles Schumer…');
    expect(legStarts.map((e) => e.detail)).to.deep.equal([{ callId, target: targets[0], index: 0 }]);
    expect(text($(el, '[aria-current="step"]'))).to.contain('Ringing');

    await step(callId);
    await until(el, () => status(el).startsWith('You’re connected'), 'first office connected');
    expect(status(el)).to.equal('You’re connected to Senator Charles Schumer.');
    expect(text($(el, '[aria-current="step"]'))).to.contain('Connected');
    await expect(el).to.be.accessible();

    // The phone asks how it went before it dials on: the next office is not "Connecting… Ringing" yet.
    await step(callId);
    await until(el, () => legEnds.length === 1, 'first leg ended');
    expect(legEnds[0]!.detail).to.deep.equal({ callId, target: targets[0], index: 0, status: 'completed', duration: 40 });
    expect(status(el)).to.equal('How did your call to Senator Charles Schumer go? Answer on your phone or here.');
    expect(labels()).to.deep.equal(['Done', 'Up next', 'Later']);
    expect(text($(el, '[aria-current="step"]'))).to.contain('Charles Schumer');

    await step(callId);
    await until(el, () => status(el).startsWith('Connecting'), 'second office ringing');
    expect(status(el)).to.equal('Connecting you to Senator Kirsten Gillibrand…');
    expect(text($(el, '[part~="script"]'))).to.contain('Senator Kirsten Gillibrand');
    expect(labels()).to.deep.equal(['Done', 'Ringing', 'Up next']);

    await step(callId);
    await until(el, () => legEnds.length === 2, 'second leg busy');
    expect(legEnds[1]!.detail.status).to.equal('busy');
    expect(labels()).to.deep.equal(['Done', 'Busy', 'Ringing']);

    // After the last office: goodbye, not "Stay on the line while we connect you".
    await step(callId, 3);
    await until(el, () => status(el) === 'That was the last office. Thank you!', 'goodbye');

    const ended = next(document, 'call-power-call-ended');
    await step(callId);
    const { detail } = await ended;
    await el.updateComplete;
    expect(detail.callId).to.equal(callId);
    expect(detail.status).to.equal('completed');
    expect(detail.legs).to.deep.equal([
      { targetId: 'S000148', name: 'Charles Schumer', status: 'completed', duration: 40, outcome: null },
      { targetId: 'G000555', name: 'Kirsten Gillibrand', status: 'busy', duration: 0, outcome: null },
      { targetId: 'N000002', name: 'Jerrold Nadler', status: 'completed', duration: 42, outcome: null },
    ]);
    expect(legStarts).to.have.length(3);
    expect(inState(el, 'done')).to.be.true;
    expect(status(el)).to.equal('Offices reached: 2 of 3.');
    expect(text($(el, 'h3'))).to.equal('Thank you for calling!');
    expect(text($$(el, '.actions').at(-1))).to.contain('Call again tomorrow to keep up the pressure.');
    await expect(el).to.be.accessible();

    button(el, 'Call again').click();
    await el.updateComplete;
    expect(inState(el, 'idle')).to.be.true;
  });

  it('says when a busy office’s district office is being tried, and counts the member reached once', async () => {
    const el = await widget();
    const { callId } = await startCall(el, phones.fallback);
    const legEnds: CustomEvent[] = [];
    el.addEventListener('call-power-leg-ended', (e) => legEnds.push(e));
    await step(callId, 6);
    await until(el, () => status(el).startsWith('Connecting you to Senator Kirsten'), 'second office ringing');
    await step(callId);
    await until(el, () => status(el).startsWith('Trying'), 'its district office ringing');
    expect(status(el)).to.equal('Trying Senator Kirsten Gillibrand’s district office in New York…');
    expect(legEnds).to.have.length(1, 'the busy office is no leg of its own here');
    await expect(el).to.be.accessible();
    await step(callId);
    await until(el, () => status(el).startsWith('You’re connected'), 'district office connected');
    expect(status(el)).to.equal('You’re connected to Senator Kirsten Gillibrand.');
    const ended = next(el, 'call-power-call-ended');
    await step(callId, 20);
    expect((await ended).detail.legs.map((leg: { status: string }) => leg.status)).to.deep.equal(['completed', 'completed', 'completed']);
    await el.updateComplete;
    expect(status(el)).to.equal('Offices reached: 3 of 3.');
  });

  it('follows a call to its end over the event stream by itself', async () => {
    const el = await widget();
    const ended = next(el, 'call-power-call-ended');
    await lookUp(el);
    button(el, 'Call me now').click();
    const { detail } = await ended;
    expect(detail.legs.map((leg) => leg.status)).to.deep.equal(['completed', 'busy', 'completed']);
    await el.updateComplete;
    expect(inState(el, 'done')).to.be.true;
  });

  it('polls the call when the event stream fails, still firing every leg event', async () => {
    const el = await widget();
    const ends: string[] = [];
    el.addEventListener('call-power-leg-ended', (e) => ends.push(e.detail.status));
    const ended = next(el, 'call-power-call-ended');
    await lookUp(el, phones.polling);
    button(el, 'Call me now').click();
    await ended;
    expect(ends).to.deep.equal(['completed', 'busy', 'completed']);
  }).timeout(20000);

  it('moves focus with the view, so a keyboard user can call without a mouse', async () => {
    const el = await widget();
    $<HTMLInputElement>(el, '#phone').focus();
    await sendKeys({ type: '2025550100' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '10001' });
    const targets = next(el, 'call-power-targets');
    await sendKeys({ press: 'Enter' });
    await targets;
    await el.updateComplete;
    expect(focused(el)).to.equal('We’ll connect you to:');

    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('Call me now');
    const call = shadow(el).activeElement!;
    expect(getComputedStyle(call).outlineStyle).to.equal('solid');
    const started = next(el, 'call-power-call-started');
    await sendKeys({ press: 'Enter' });
    await started;
    await el.updateComplete;
    expect(focused(el)).to.equal('Your call');
  });

  it('offers the campaign’s link as its next step', async () => {
    const el = await widget('link');
    await lookUp(el);
    button(el, 'Call me now').click();
    await until(el, () => inState(el, 'done'), 'done');
    const link = button(el, 'Donate') as unknown as HTMLAnchorElement;
    expect(link.href).to.equal('https://example.org/donate');
  });

  it('redirects when the campaign says so, unless the page cancels call-power-call-ended', async () => {
    const kept = await widget('redirect');
    kept.addEventListener('call-power-call-ended', (e) => e.preventDefault());
    await lookUp(kept);
    button(kept, 'Call me now').click();
    await until(kept, () => inState(kept, 'done'), 'done');
    expect(status(kept)).to.not.contain('Taking you');

    const moved = await widget('redirect');
    await lookUp(moved);
    button(moved, 'Call me now').click();
    await until(moved, () => inState(moved, 'done'), 'done');
    expect(status(moved)).to.contain('Taking you to the next step…');
    moved.remove(); // before the redirect would take this test page away
  });

  it('calls a campaign’s own targets without asking for a ZIP code', async () => {
    const el = await widget('custom');
    expect(has(el, '#zip')).to.be.false;
    const targets = next(el, 'call-power-targets');
    await submit(el, phones.auto);
    expect((await targets).detail.location).to.be.null;
    await el.updateComplete;
    const started = next(el, 'call-power-call-started');
    button(el, 'Call me now').click();
    expect((await sent((await started).detail.callId)).body).to.deep.equal({ phone: phones.auto, lang: 'en' });
    await until(el, () => inState(el, 'done'), 'done');
  });

  it('asks for the ZIP code when the campaign’s own list is routed by place, and sends it', async () => {
    const el = await widget('routed');
    expect(has(el, '#zip')).to.be.true;
    const targets = next(el, 'call-power-targets');
    await submit(el, phones.auto, '94110');
    expect((await targets).detail.location?.zip).to.equal('94110');
    await el.updateComplete;
    const started = next(el, 'call-power-call-started');
    button(el, 'Call me now').click();
    expect((await sent((await started).detail.callId)).body).to.deep.equal({ phone: phones.auto, zip: '94110', lang: 'en' });
    await until(el, () => inState(el, 'done'), 'done');
  });
});
