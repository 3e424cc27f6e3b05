import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, button, has, loaded, lookUp, next, phones, step, until, widget } from './helpers.ts';

const style = (el: Element) => getComputedStyle(el);
const root = document.documentElement;
const light = 'rgb(255, 255, 255)';
const dark = 'rgb(31, 31, 31)';

describe('<call-power> styling', () => {
  afterEach(async () => {
    root.removeAttribute('style');
    document.getElementById('theme')?.remove();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

  it('is accessible with its default look', async () => {
    const el = await widget();
    await expect(el).to.be.accessible();
    expect(style($(el, 'form button')).backgroundColor).to.equal('rgb(11, 87, 208)');
  });

  it('reads every --call-power-* property set on :root', async () => {
    const el = await widget();
    root.style.cssText = `
      --call-power-accent: rgb(1, 2, 3);
      --call-power-accent-fg: rgb(250, 250, 250);
      --call-power-bg: rgb(10, 20, 30);
      --call-power-fg: rgb(240, 240, 200);
      --call-power-radius: 0px;
      --call-power-font: Georgia, serif;
      --call-power-space: 24px;
    `;
    const submit = $(el, 'form button');
    expect(style(submit).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(style(submit).color).to.equal('rgb(250, 250, 250)');
    expect(style(submit).borderRadius).to.equal('0px');
    expect(style(el).backgroundColor).to.equal('rgb(10, 20, 30)');
    expect(style(el).color).to.equal('rgb(240, 240, 200)');
    expect(style(el).fontFamily).to.equal('Georgia, serif');
    expect(style(el).paddingTop).to.equal('24px');
    expect(style($(el, 'form')).rowGap).to.equal('24px');
  });

  it('exposes its parts to ::part()', async () => {
    const el = await widget();
    document.head.insertAdjacentHTML(
      'beforeend',
      `<style id="theme">
        call-power::part(button) { text-transform: uppercase; }
        call-power::part(input) { border-color: rgb(200, 0, 0); }
        call-power::part(label) { letter-spacing: 2px; }
        call-power::part(form) { outline: 1px dotted rgb(0, 0, 200); }
        call-power::part(status) { font-style: italic; }
        call-power::part(targets) { padding-left: 7px; }
        call-power::part(target) { margin-top: 3px; }
      </style>`,
    );
    expect(style($(el, 'form button')).textTransform).to.equal('uppercase');
    expect(style($(el, '#phone')).borderTopColor).to.equal('rgb(200, 0, 0)');
    expect(style($(el, 'label')).letterSpacing).to.equal('2px');
    expect(style($(el, 'form')).outlineColor).to.equal('rgb(0, 0, 200)');
    expect(style($(el, '[part~="status"]')).fontStyle).to.equal('italic');
    await lookUp(el);
    expect(style($(el, '[part~="targets"]')).paddingLeft).to.equal('7px');
    expect(style($(el, '[part~="target"]')).marginTop).to.equal('3px');
  });

  it('takes the page’s color scheme, not the OS’s: light on a page that sets none, so a slotted heading stays readable', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    document.head.insertAdjacentHTML('beforeend', '<style id="theme">h2 { color: #222; }</style>');
    const el = await fixture<CallPower>(html`<call-power campaign="demo"><h2 slot="heading">Call your senators</h2></call-power>`);
    await loaded(el);
    expect(style(el).backgroundColor).to.equal(light);
    expect(style(el).color).to.equal('rgb(31, 31, 31)');
    await expect(el).to.be.accessible();

    root.style.colorScheme = 'dark';
    expect(style(el).backgroundColor).to.equal(dark);
    expect(style(el).color).to.equal('rgb(227, 227, 227)');
    expect(style($(el, 'form button')).backgroundColor).to.equal('rgb(168, 199, 250)');
    // A page that supports both follows the OS, and so does the widget.
    root.style.colorScheme = 'light dark';
    expect(style(el).backgroundColor).to.equal(dark);
    await emulateMedia({ colorScheme: 'light' });
    expect(style(el).backgroundColor).to.equal(light);
    // Colors the page sets win.
    root.style.setProperty('--call-power-bg', 'rgb(1, 2, 3)');
    expect(style(el).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('takes a theme of its own with the theme attribute: light, dark, or auto (the OS’s)', async () => {
    const el = await widget('demo', { theme: 'dark' });
    expect(style(el).backgroundColor).to.equal(dark);
    await expect(el).to.be.accessible();
    root.style.colorScheme = 'dark';
    el.theme = 'light';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('light');
    expect(style(el).backgroundColor).to.equal(light);
    root.style.colorScheme = '';
    el.theme = 'auto';
    await el.updateComplete;
    expect(style(el).backgroundColor).to.equal(light);
    await emulateMedia({ colorScheme: 'dark' });
    expect(style(el).backgroundColor).to.equal(dark);
    await expect(el).to.be.accessible();
  });

  it('stops animating for people who prefer reduced motion', async () => {
    const el = await widget();
    await lookUp(el, phones.manual);
    const started = next(el, 'call-power-call-started');
    button(el, 'Call me now').click();
    await step((await started).detail.callId, 3);
    await until(el, () => $(el, '[aria-current] .dot'), 'an office ringing');
    const dot = $(el, '[aria-current] .dot');
    expect(style(dot).animationName).to.equal('pulse');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(style(dot).animationName).to.equal('none');
  });

  it('fits 320 px and 200% text without scrolling sideways', async () => {
    await setViewport({ width: 320, height: 640 });
    const el = await widget();
    expect(el.scrollWidth).to.be.at.most(el.clientWidth);
    expect(el.getBoundingClientRect().right).to.be.at.most(320);
    root.style.fontSize = '200%';
    await lookUp(el);
    expect(el.scrollWidth).to.be.at.most(el.clientWidth);
    expect(document.documentElement.scrollWidth).to.be.at.most(320);
  });

  it('puts the fields in one row in the compact layout, when there is room', async () => {
    const el = await widget('demo', { layout: 'compact' });
    await el.updateComplete;
    const phone = $(el, '#phone').getBoundingClientRect();
    const zip = $(el, '#zip').getBoundingClientRect();
    const submit = $(el, 'form button').getBoundingClientRect();
    expect(zip.top).to.equal(phone.top);
    expect(zip.left).to.be.greaterThan(phone.right);
    expect(Math.abs(submit.bottom - phone.bottom)).to.be.lessThan(2);
    expect(has(el, 'slot[name="intro"]')).to.be.false;
    await expect(el).to.be.accessible();
  });

  it('keeps a hostile page stylesheet out', async () => {
    document.head.insertAdjacentHTML(
      'beforeend',
      `<style id="theme">* { box-sizing: content-box !important; } input, button { all: unset; } p { display: none; }</style>`,
    );
    const el = await fixture<CallPower>(html`<call-power campaign="demo"></call-power>`);
    await loaded(el);
    expect(style($(el, '#phone')).boxSizing).to.equal('border-box');
    expect(style($(el, 'form button')).backgroundColor).to.equal('rgb(11, 87, 208)');
    expect(style($(el, '#phone-hint')).display).to.equal('block');
  });
});
