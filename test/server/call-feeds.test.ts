import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { CallFeeds, type Snapshot } from '../../server/calls/call-feeds.ts';
import { CallNotifier } from '../../server/calls/notifier.ts';

/** A feed over a fake store that counts its reads; the view is the number of reads so far. */
function feedsCountingReads(pollMs = 60_000) {
  const reads: string[] = [];
  const notifier = new CallNotifier();
  const feeds = new CallFeeds<{ read: number }>({
    load: async (id) => {
      reads.push(id);
      return id === 'gone' ? undefined : { read: reads.length };
    },
    notifier,
    log: () => {},
    pollMs,
  });
  return { feeds, notifier, reads };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(5);
  assert.ok(check());
};

describe('call feeds', () => {
  test('fifty streams of one call cost one store read per change, not fifty', async () => {
    const { feeds, notifier, reads } = feedsCountingReads();
    const seen: Snapshot<{ read: number }>[][] = [];
    const stops = [...Array(50).keys()].map((i) => {
      seen[i] = [];
      return feeds.watch('call-1', (snapshot) => seen[i]!.push(snapshot));
    });
    await until(() => reads.length === 1);
    for (let change = 0; change < 3; change++) {
      notifier.changed('call-1');
      await until(() => reads.length === change + 2);
    }
    await sleep(20);
    assert.equal(reads.length, 4);
    assert.ok(seen.every((snapshots) => snapshots.at(-1)?.json === '{"read":4}'), 'every stream saw the latest read');
    stops.forEach((stop) => stop());
    assert.equal(feeds.size, 0, 'nobody watches: the feed is gone');
    notifier.changed('call-1');
    await sleep(20);
    assert.equal(reads.length, 4, 'and reads nothing more');
  });

  test('polls while watched, so changes made by another process arrive', async () => {
    const { feeds, reads } = feedsCountingReads(10);
    const stop = feeds.watch('call-2', () => {});
    await until(() => reads.length >= 3);
    stop();
    const after = reads.length;
    await sleep(50);
    assert.ok(reads.length <= after + 1);
  });

  test('each call has its own feed', async () => {
    const { feeds, notifier, reads } = feedsCountingReads();
    const views: Record<string, string[]> = { a: [], gone: [] };
    const stops = ['a', 'gone'].map((id) => feeds.watch(id, ({ json }) => views[id]!.push(json)));
    await until(() => reads.length === 2);
    notifier.changed('a');
    await until(() => reads.length === 3);
    assert.deepEqual(reads.sort(), ['a', 'a', 'gone']);
    assert.equal(views.a!.at(-1), '{"read":3}');
    assert.deepEqual(views.gone, [''], 'an unknown call reads as nothing');
    stops.forEach((stop) => stop());
  });
});
