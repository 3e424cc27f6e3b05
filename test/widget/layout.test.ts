import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { $, has, loaded, submit, text } from './helpers.ts';

// The example pages as they load on a slow network: first the fallback, then the widget's first
// render, then the loaded form. Anything below the widget moves by the change in its height, so that
// change as a fraction of the viewport's height bounds the page's layout shift score (CLS); Lighthouse
// measured 0.154 on the demo page before the fallback and the first render took the loaded widget's
// room. Measured from layout rather than with a PerformanceObserver, which sees nothing in a test page
// the browser is not painting (a background one); test/e2e/widget-call.test.ts measures the real CLS.

/** Each widget's height on `page` at `width`: as its fallback, at its first render, and once loaded. */
async function footprints(page: string, width: number, height: number): Promise<number[][]> {
  const frame = document.createElement('iframe');
  frame.style.cssText = `width: ${width}px; height: ${height}px; border: 0`;
  // The page without its embed script, which the test adds once the fallback is measured.
  frame.srcdoc = (await (await fetch(`/examples/${page}.html`)).text()).replace(/<script type="module" src="\/call-power\.js[^"]*"><\/script>/g, '');
  const ready = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  try {
    await ready;
    const win = frame.contentWindow! as Window & typeof globalThis;
    const widgets = [...win.document.querySelectorAll<CallPower>('call-power')];
    const sizes = widgets.map((widget) => [widget.getBoundingClientRect().height]);
    const measure = () => widgets.forEach((widget, i) => sizes[i]!.push(widget.getBoundingClientRect().height));
    const script = win.document.createElement('script');
    script.type = 'module';
    script.src = '/dist/call-power.js';
    win.document.head.append(script);
    await win.customElements.whenDefined('call-power');
    // Before the campaign can have arrived: its response needs a task, and this runs in microtasks.
    await Promise.all(widgets.map((widget) => widget.updateComplete));
    measure();
    await waitUntil(() => widgets.every((widget) => widget.shadowRoot!.querySelector('form button:enabled')), 'the widgets loaded', { timeout: 5000 });
    await Promise.all(widgets.map((widget) => widget.updateComplete));
    measure();
    return sizes;
  } finally {
    frame.remove();
  }
}

describe('<call-power> layout', () => {
  before(() => setViewport({ width: 1400, height: 900 }));

  it('is accessible while its campaign loads, already takes the room it takes once loaded, and keeps what is typed meanwhile', async () => {
    const el = await fixture<CallPower>(html`<call-power campaign="slow"></call-power>`);
    expect(has(el, 'form button:disabled')).to.be.true;
    expect(text($(el, 'h2'))).to.equal('Loading…');
    const loading = el.getBoundingClientRect().height;
    await expect(el).to.be.accessible();
    let submitted = false;
    el.addEventListener('call-power-submit', () => (submitted = true));
    await submit(el, '202 555 0199', '10001'); // not sent before the campaign is known
    expect(submitted).to.be.false;
    await loaded(el);
    expect(text($(el, 'h2'))).to.equal('Slow to load');
    expect(el.getBoundingClientRect().height).to.equal(loading);
    expect($<HTMLInputElement>(el, '#phone').value).to.equal('202 555 0199');
    await expect(el).to.be.accessible();
  });

  for (const [page, width, height] of [
    ['index', 390, 844],
    ['index', 1280, 800],
    ['plain', 390, 844],
    ['cms', 390, 844],
    ['themed', 390, 844],
  ] as const) {
    it(`keeps examples/${page}.html still as its widget loads, at ${width} px (CLS < 0.05)`, async () => {
      for (const [fallback, ...rendered] of await footprints(page, width, height)) {
        const moved = Math.max(...rendered.map((size) => Math.abs(size - fallback!)));
        expect(moved / height, `heights ${[fallback, ...rendered].join(' → ')}`).to.be.below(0.05);
      }
    });
  }
});
