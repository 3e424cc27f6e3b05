import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/define.ts';
import type { CallPower } from '../../widget/call-power.ts';
import { loaded, sent, startCall, widget } from './helpers.ts';

/** What the widget sent when it placed a call. */
async function placedBody(el: CallPower) {
  const { callId } = await startCall(el);
  return (await sent(callId)).body;
}

/** Runs `test` on a page whose URL carries `?ref=` (beside the test runner's own parameters). */
async function withPageRef(ref: string, test: () => Promise<void>) {
  const before = location.href;
  const url = new URL(before);
  url.searchParams.set('ref', ref);
  history.replaceState(history.state, '', url);
  try {
    await test();
  } finally {
    history.replaceState(history.state, '', before);
  }
}

describe('<call-power> referral codes and host-page metadata', () => {
  it('is accessible, and sends its ref attribute with the call', async () => {
    const el = await widget('demo', { ref: 'spring_24-news' });
    await expect(el).to.be.accessible();
    expect(await placedBody(el)).to.include({ ref: 'spring_24-news' });
  });

  it('takes the referral code from the page URL, unless it has its own', async () => {
    await withPageRef('newsletter', async () => {
      expect(await placedBody(await widget())).to.include({ ref: 'newsletter' });
      expect(await placedBody(await widget('demo', { ref: 'banner' }))).to.include({ ref: 'banner' });
    });
  });

  it('leaves out a referral code the server would refuse, rather than failing the call', async () => {
    expect(await placedBody(await widget('demo', { ref: 'not valid!' }))).to.not.have.property('ref');
    expect(await placedBody(await widget('demo', { ref: 'x'.repeat(65) }))).to.not.have.property('ref');
    await withPageRef('<script>', async () => {
      expect(await placedBody(await widget())).to.not.have.property('ref');
    });
  });

  it('sends the data-* attributes and the meta property, the property winning', async () => {
    const el = await fixture<CallPower>(html`<call-power campaign="demo" data-source="newsletter" data-list-id="42"></call-power>`);
    el.meta = { source: 'homepage', member: true, visits: 3 };
    await loaded(el);
    expect((await placedBody(el)).meta).to.deep.equal({ source: 'homepage', member: true, visits: 3, listId: '42' });
    expect(await placedBody(await widget())).to.not.have.property('meta');
  });

  it('trims metadata to the server’s limits instead of failing the call', async () => {
    const el = await widget();
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]));
    el.meta = { long: 'x'.repeat(300), ['k'.repeat(41)]: 'key too long', 'utm.source': 'a dot', '9lives': 1, nested: { a: 1 } as never, nan: NaN, ...many };
    const { meta } = (await placedBody(el)) as { meta: Record<string, unknown> };
    expect(Object.keys(meta)).to.deep.equal(['long', ...Array.from({ length: 19 }, (_, i) => `k${i}`)]);
    expect(meta.long).to.equal('x'.repeat(200));
  });
});
