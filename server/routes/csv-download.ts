import type { Context } from 'hono';

export function csvDownload(c: Context, filename: string, body: string | ReadableStream<Uint8Array>) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${filename}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(body);
}

/**
 * Chunks pulled one at a time as the client reads (backpressure: a page of rows is only read from the
 * store when the last one has gone out). A failure half-way errors the stream, so the download fails
 * rather than ending short without a word.
 */
export function pulled(source: AsyncIterable<string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}
