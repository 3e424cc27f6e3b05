import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { Hono } from 'hono';

/**
 * What the API fuzz files (test/e2e/fuzz*.test.ts) share: the request that checks every answer, the
 * seeded property runner and the count of what was sent. The generators are in fuzz-arbitraries.ts.
 */

/** Fixed, so a failure reproduces; FUZZ_SEED explores other inputs, FUZZ_SCALE runs more (or fewer) of them. */
export const SEED = Number(process.env.FUZZ_SEED ?? 72_026);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** Requests sent, per route, for the closing report. */
const sent = new Map<string, number>();
export const count = (route: string, n = 1) => sent.set(route, (sent.get(route) ?? 0) + n);
export function report(): string {
  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  return `fuzz: ${total} requests — ${[...sent].map(([route, n]) => `${route} ${n}`).join(', ')}`;
}

export interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
}

/**
 * Sends one request through `app.request()` (with `env`, e.g. another client address) and checks what
 * every answer must be: below 500, and an error is JSON `{ error: { code, message } }`. Returns the
 * status for route-specific checks.
 */
export async function send(app: Hono, route: string, { method, path, headers = {}, body }: Sent, env?: object): Promise<number> {
  count(route);
  const hasBody = method !== 'GET' && method !== 'HEAD' && body !== undefined;
  const request = new Request(new URL(path, 'http://localhost'), { method, headers, body: hasBody ? (body as BodyInit) : undefined });
  const response = await app.request(request, undefined, env);
  const text = method === 'HEAD' ? '' : await decodedText(response);
  const what = () => `${method} ${path.slice(0, 300)} → ${response.status} ${text.slice(0, 300)}`;
  assert.ok(response.status < 500, what());
  if (response.status >= 400 && method !== 'HEAD') {
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what());
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    assert.ok(typeof error?.code === 'string' && typeof error.message === 'string', what());
  }
  return response.status;
}

/** The body as text, decompressed when the fuzzed Accept-Encoding got it compressed. */
async function decodedText(response: Response): Promise<string> {
  const body = Buffer.from(await response.arrayBuffer());
  switch (response.headers.get('content-encoding')) {
    case 'gzip':
      return gunzipSync(body).toString();
    case 'deflate':
      return inflateSync(body).toString();
    case 'br':
      return brotliDecompressSync(body).toString();
    default:
      return body.toString();
  }
}

let properties = 0;
/** Each property gets its own seed (so they do not all walk the same random path) and prints the failing case's own error. */
export const run = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED + properties++, numRuns: Math.ceil(numRuns * SCALE), includeErrorInReport: true });

/** Own properties (with their descriptors) of the built-in prototypes a body could reach through `__proto__`. */
export function snapshotPrototypes() {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((proto) =>
    Reflect.ownKeys(proto).map((key) => [String(key), Object.getOwnPropertyDescriptor(proto, key)?.value ?? 'accessor']),
  );
}

/** No built-in prototype changed since `before`, and none gained the keys hostile bodies try to plant. */
export function assertPrototypesIntact(before: ReturnType<typeof snapshotPrototypes>) {
  assert.deepEqual(snapshotPrototypes(), before, 'no built-in prototype changed');
  for (const key of ['polluted', 'isAdmin', 'phone', 'zip']) assert.equal(({} as Record<string, unknown>)[key], undefined, `Object.prototype.${key}`);
}
