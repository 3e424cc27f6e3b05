import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';

/** Smaller answers go out as they are: compressing them costs more than it saves (hono/compress's threshold too). */
const COMPRESS_FROM = 1024;

/**
 * A JSON answer serialised once and sent many times, gzipped once the first time a client accepts it.
 * What `c.json(value)` sends, without the per-request stringify (and stream compression) of a hot read.
 */
export class PreparedJson {
  readonly text: string;
  #gzip?: Uint8Array<ArrayBuffer>;

  constructor(value: unknown) {
    this.text = JSON.stringify(value);
  }

  send(c: Context): Response {
    if (this.text.length < COMPRESS_FROM) return c.body(this.text, 200, { 'Content-Type': 'application/json' });
    const headers = { 'Content-Type': 'application/json', Vary: 'Accept-Encoding' };
    if (!/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '')) return c.body(this.text, 200, headers);
    this.#gzip ??= new Uint8Array(gzipSync(this.text));
    return c.body(this.#gzip, 200, { ...headers, 'Content-Encoding': 'gzip' });
  }
}

/**
 * Prepared answers per snapshot (a campaign as read from the store, a counter reading): each snapshot's
 * answers go with it when it is replaced. At most `max` per snapshot are kept; past that they are made
 * per request, so queries nobody repeats cannot grow memory.
 */
export function preparedAnswers<Snapshot extends object>(max = 10_000) {
  const answers = new WeakMap<Snapshot, Map<string, PreparedJson>>();
  return function answer(snapshot: Snapshot, key: string, build: () => unknown): PreparedJson {
    let byKey = answers.get(snapshot);
    if (!byKey) answers.set(snapshot, (byKey = new Map()));
    let prepared = byKey.get(key);
    if (!prepared) {
      prepared = new PreparedJson(build());
      if (byKey.size < max) byKey.set(key, prepared);
    }
    return prepared;
  };
}
