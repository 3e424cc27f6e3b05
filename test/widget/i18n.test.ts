import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, button, callThrough, lookUp, phones, status, submit, text, until, widget } from './helpers.ts';

const loaded = (el: CallPower) => until(el, () => $(el, 'form'), 'form');

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
    expect(text($(el, '.check'))).to.equal('Llámame otra vez every weekday between 10 am and 4 pm');
    await callThrough(el, phones.keyed);
    expect(text($(el, '[part~="target"] [role="group"]'))).to.equal('¿Cómo te fue? Hablé con alguien Dejé un mensaje de voz Nadie contestó');
    expect(status(el)).to.equal('Oficinas contactadas: 2 de 3.');
    await expect(el).to.be.accessible();
  });

  it('words errors and the retry time in Spanish', async () => {
    const el = await widget('demo', { lang: 'es' });
    await lookUp(el, phones.limited);
    button(el, 'Llámame ahora').click();
    await until(el, () => status(el).startsWith('Hay demasiadas'), 'rate limited');
    expect(status(el)).to.equal('Hay demasiadas llamadas desde aquí. Vuelve a intentarlo dentro de 2 minutos.');
    expect(!!button(el, 'Intentar de nuevo')).to.be.true;
    await expect(el).to.be.accessible();

    const form = await widget('demo', { lang: 'es' });
    await submit(form, '12', '1');
    expect(text($(form, '#phone-error'))).to.equal('Escribe un número al que podamos llamar, con código de área.');
    expect(text($(form, '#zip-error'))).to.equal('Escribe tu código postal de 5 dígitos.');
  });
});
