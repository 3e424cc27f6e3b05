import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { stringsFor, type StringKey } from '../../widget/internal/strings.ts';
import { $, button, callThrough, inState, loaded, lookUp, phones, sent, startCall, status, step, submit, text, until, widget } from './helpers.ts';

/** Moves a manual call one step on and waits for the status to show it; returns the new status. */
async function stepAndWait(el: CallPower, callId: string) {
  const before = status(el);
  await step(callId);
  await until(el, () => status(el) !== before, 'the next step');
  return status(el);
}

describe('<call-power> languages', () => {
  it('is accessible in Spanish', async () => {
    const el = await widget('demo', { lang: 'es' });
    await el.updateComplete;
    await expect(el).to.be.accessible();
    expect(text($(el, 'label[for="phone"]'))).to.equal('Tu número de teléfono');
    expect($(el, '.root').lang).to.equal('es');
  });

  it('takes its language from the closest [lang] on the page', async () => {
    const wrapper = fixtureSync<HTMLElement>(html`<div lang="es-MX"><call-power campaign="demo"></call-power></div>`);
    const el = wrapper.querySelector('call-power')!;
    await loaded(el);
    expect(text($(el, 'form button'))).to.equal('Continuar');
  });

  it('falls back to the campaign’s locale when the page has no usable language', async () => {
    const wrapper = fixtureSync<HTMLElement>(html`<div lang="fr"><call-power campaign="espanol"></call-power></div>`);
    const el = wrapper.querySelector('call-power')!;
    await loaded(el);
    expect(text($(el, 'label[for="zip"]'))).to.equal('Código postal (ZIP)');
  });

  it('switches language when its lang property changes', async () => {
    const el = await widget();
    el.lang = 'es';
    await el.updateComplete;
    expect(el.getAttribute('lang')).to.equal('es');
    expect(text($(el, 'form button'))).to.equal('Continuar');
  });

  it('lets a campaign override any string, for every language or for one', async () => {
    const el = await widget('overrides');
    expect(text($(el, 'label[for="phone"]'))).to.equal('Mobile number');
    await lookUp(el);
    expect(!!button(el, 'Ring me now')).to.be.true;

    const es = await widget('overrides', { lang: 'es' });
    await es.updateComplete;
    expect(text($(es, 'label[for="phone"]'))).to.equal('Mobile number');
    await lookUp(es);
    expect(!!button(es, 'Llámame ya')).to.be.true;
  });

  it('offers to call again, and asks how each call went, in Spanish', async () => {
    const el = await widget('again', { lang: 'es' });
    await el.updateComplete;
    // The schedule comes from the campaign, read in Spanish.
    expect(text($(el, '.check'))).to.equal('Llámame otra vez cada día laborable entre las 10 y las 16 h');
    await callThrough(el, phones.keyed);
    expect(text($(el, '[part~="target"] [role="toolbar"]'))).to.equal('¿Cómo te fue? Hablé con alguien Dejé un mensaje de voz Nadie contestó');
    expect(status(el)).to.equal('Oficinas contactadas: 2 de 3.');
    await expect(el).to.be.accessible();
  });

  it('has every string in Spanish', () => {
    const en = stringsFor('en');
    const es = stringsFor('es');
    expect(Object.keys(es).filter((key) => es[key as StringKey] === en[key as StringKey])).to.deep.equal([]);
  });

  it('reads the campaign in its language, sends that language with the call, and shows no English on the way', async () => {
    const english = Object.values(stringsFor('en'))
      .flatMap((value) => value.split(/\{\w+\}/))
      .map((part) => part.trim())
      .filter((part) => part.length > 4);
    const seen: string[] = [];
    const el = await widget('again', { lang: 'es' });
    expect(await (await fetch('/fake/campaign-requests')).json()).to.include('again?lang=es');
    $<HTMLInputElement>(el, '[type="checkbox"]').click();
    seen.push(text($(el, '.root')));
    const { callId } = await startCall(el);
    expect((await sent(callId)).body).to.include({ lang: 'es', callAgain: true });
    for (let i = 0; i < 11; i++) {
      seen.push(text($(el, '.root')));
      await stepAndWait(el, callId);
    }
    expect(inState(el, 'done')).to.be.true;
    seen.push(text($(el, '.root')));
    for (const screen of seen) expect(english.filter((phrase) => screen.includes(phrase)), screen).to.deep.equal([]);

    const demo = await widget('demo', { lang: 'es' });
    await startCall(demo);
    expect(text($(demo, '[part~="script"]'))).to.equal('Hola, me llamo … y vivo en su distrito. Llamo a Senator Charles Schumer para pedir su apoyo.');
  });

  it('follows the phone in Spanish: the gate, each office, the outcome question and goodbye', async () => {
    const el = await widget('demo', { lang: 'es' });
    const { callId } = await startCall(el);
    const statuses: string[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await stepAndWait(el, callId));
    expect(statuses).to.include.members([
      'Te estamos llamando al (202) 555-0100. Contesta y marca 1.',
      'Escucha y marca 1 para que te conectemos.',
      'Conectándote con Senator Charles Schumer…',
      'Estás conectado con Senator Charles Schumer.',
      '¿Cómo te fue con Senator Charles Schumer? Responde en el teléfono o aquí.',
      'Esa fue la última oficina. ¡Gracias!',
    ]);
  });

  it('says in Spanish when another office of the member is being tried', async () => {
    const el = await widget('demo', { lang: 'es' });
    const { callId } = await startCall(el, phones.fallback);
    await step(callId, 7);
    await until(el, () => status(el).startsWith('Probando'), 'the district office ringing');
    expect(status(el)).to.equal('Probando otra oficina de Senator Kirsten Gillibrand…');
  });

  it('words errors and the retry time in Spanish', async () => {
    const el = await widget('demo', { lang: 'es' });
    await lookUp(el, phones.limited);
    button(el, 'Llámame ahora').click();
    await until(el, () => status(el).startsWith('Hay demasiadas'), 'rate limited');
    expect(status(el)).to.equal('Hay demasiadas llamadas desde aquí. Vuelve a intentarlo dentro de 2 minutos.');
    expect(!!button(el, 'Intentar de nuevo')).to.be.true;
    await expect(el).to.be.accessible();

    const perDay = await widget('demo', { lang: 'es' });
    await lookUp(perDay, phones.perDay);
    button(perDay, 'Llámame ahora').click();
    await until(perDay, () => status(perDay).startsWith('Ya llamaste'), 'limited for the day');
    expect(status(perDay)).to.equal('Ya llamaste 3 veces hoy con este número. Puedes volver a llamar dentro de 9 horas.');

    const form = await widget('demo', { lang: 'es' });
    await submit(form, '12', '1');
    expect(text($(form, '#phone-error'))).to.equal('Escribe un número al que podamos llamar, con código de área.');
    expect(text($(form, '#zip-error'))).to.equal('Escribe tu código postal de 5 dígitos.');
  });
});
