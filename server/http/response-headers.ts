import type { Context } from 'hono';

/**
 * Sets (or, for Vary, adds to) headers on the answer a route already made, without rebuilding it.
 *
 * After `next()`, Hono's `c.header()` copies the finished response (`createResponseInstance(res.body, res)`),
 * and reading `.body` turns @hono/node-server's lightweight response into a full undici `Response` with a
 * `ReadableStream` body, which node-server can then only stream out on its slow path. Writing to
 * `c.res.headers` instead keeps the lightweight response, which node-server writes in one `end()`.
 */
export function setResponseHeaders(c: Context, headers: Record<string, string | undefined>): void {
  const target = c.res.headers;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'Vary') appendVary(target, value);
    else target.set(name, value);
  }
}

/** Adds `name` to Vary unless it is listed already (two middlewares may both vary by the same header). */
function appendVary(headers: Headers, name: string): void {
  const listed = (headers.get('Vary') ?? '').split(',').map((item) => item.trim().toLowerCase());
  if (!listed.includes(name.toLowerCase())) headers.append('Vary', name);
}
