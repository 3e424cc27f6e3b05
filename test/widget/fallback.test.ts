import { expect, fixtureSync, html } from '@open-wc/testing';
import type { CallPower } from '../../widget/call-power.ts';
import { $, button, inState, loaded, lookUp, next, until } from './helpers.ts';

// No static import of define.ts: these tests start before <call-power> exists, as when the script
// loads late, is blocked, or comes after the element in the page.
const shown = (el: Element) => el.getClientRects().length > 0;

describe('<call-power> fallback content', () => {
  it('is accessible and shows its fallback before the element upgrades, then makes way for the widget', async () => {
    // fixtureSync: fixture() would wait for an animation frame, which a background test page may never get.
    const el = fixtureSync<CallPower>(html`
      <call-power campaign="demo">
        <h2 slot="heading">Call your senators</h2>
        <p>Call the Capitol switchboard at <a href="tel:+12022243121">(202) 224-3121</a> and ask for your senators.</p>
        <div slot="thank-you" hidden><p>Thank you! Now tell a friend.</p></div>
      </call-power>
    `);
    expect(customElements.get('call-power')).to.be.undefined;
    const fallback = el.querySelector('p')!;
    const heading = el.querySelector('h2')!;
    const thanks = el.querySelector<HTMLElement>('[slot="thank-you"]')!;
    expect(shown(fallback) && shown(heading)).to.be.true;
    expect(shown(thanks)).to.be.false;
    await expect(el).to.be.accessible();

    await import('../../widget/define.ts');
    await loaded(el);
    expect(shown(fallback)).to.be.false;
    expect(shown(heading)).to.be.true;
    expect(shown(thanks)).to.be.false;
    expect(shown($(el, 'h2'))).to.be.false;
    await expect(el).to.be.accessible();

    const ended = next(el, 'call-power-call-ended');
    await lookUp(el);
    button(el, 'Call me now').click();
    await ended;
    await until(el, () => inState(el, 'done'), 'done');
    expect(shown(thanks)).to.be.true;
    await expect(el).to.be.accessible();
  });
});
