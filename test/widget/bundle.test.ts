import { expect, fixture, html } from '@open-wc/testing';
import type { CallPower } from '../../widget/call-power.ts';
import { $, loaded, text, type } from './helpers.ts';

// The built embed, dist/call-power.js, as a campaign page loads it (web-test-runner.config.mjs
// rebuilds it when it is missing or older than its sources).
const bundle = '/dist/call-power.js';
const budget = 20 * 1024;

describe('dist/call-power.js', () => {
  before(() => import(/* @vite-ignore */ bundle));

  it('is accessible, and finds its API at the origin it was loaded from', async () => {
    const el = await fixture<CallPower>(html`<call-power campaign="demo"></call-power>`);
    await loaded(el);
    await expect(el).to.be.accessible();
  });

  it(`is at most ${budget} bytes gzipped`, async () => {
    const gzipped = (await fetch(bundle)).body!.pipeThrough(new CompressionStream('gzip'));
    const size = (await new Response(gzipped).arrayBuffer()).byteLength;
    expect(size).to.be.at.most(budget);
  });

  it('can be loaded twice: the second copy leaves the first definition alone', async () => {
    const defined = customElements.get('call-power');
    const second = (await import(/* @vite-ignore */ `${bundle}?second`)) as { CallPower: CustomElementConstructor };
    expect(second.CallPower).to.not.equal(defined);
    expect(customElements.get('call-power')).to.equal(defined);
  });

  it('validates numbers with its sliced metadata', async () => {
    const el = await fixture<CallPower>(html`<call-power campaign="demo"></call-power>`);
    await loaded(el);
    type(el, 'phone', '+1 415 555 2671');
    await el.updateComplete;
    expect(text($(el, '#phone-hint'))).to.equal('We’ll call you at (415) 555-2671.');
    // The embed leaves out libphonenumber's extension parsing (rollup.config.mjs): we ring the caller's own line only.
    type(el, 'phone', '415 555 2671 ext. 12');
    await el.updateComplete;
    expect(text($(el, '#phone-hint'))).to.equal('We’ll call you at this number.');
  });
});
