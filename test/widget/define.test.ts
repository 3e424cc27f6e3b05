import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';

describe('define.ts', () => {
  it('is accessible without a campaign, showing its fallback content', async () => {
    const el = await fixture<CallPower>(html`<call-power><a href="tel:+12022243121">Call the Capitol switchboard</a></call-power>`);
    await expect(el).to.be.accessible();
    expect(el.querySelector('a')!.getClientRects().length).to.be.greaterThan(0);
  });

  it('registers <call-power> once, however often the script runs', async () => {
    const defined = customElements.get('call-power');
    expect(defined).to.exist;
    expect(document.createElement('call-power')).to.be.instanceOf(defined!);
    // A second evaluation of the entry module, as a page that includes the script twice would cause.
    const again = (await import(`../../widget/define.ts?again=${Date.now()}`)) as typeof import('../../widget/define.ts');
    expect(again.CallPower).to.equal(defined);
    expect(customElements.get('call-power')).to.equal(defined);
  });
});
