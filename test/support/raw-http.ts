import { type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

/** One HTTP/1.x response as it came off the wire. */
export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** A piece of a raw request: bytes to write, or a pause before the next write. */
export type RawStep = string | Uint8Array | { pauseMs: number };

export interface RawExchange {
  /** Every final (non-1xx) response read, in order. */
  responses: RawResponse[];
  /** The server had not closed the connection within the timeout (we closed it). */
  timedOut: boolean;
  /** Bytes left over that do not form a whole response. */
  rest: Buffer;
}

/**
 * Writes `steps` to a fresh TCP connection exactly as given (no HTTP client in between, so requests
 * may be malformed in ways fetch refuses to send), then reads until the server closes the connection
 * or `timeoutMs` passes. `halfClose` ends our side after the last write, as a client that gives up
 * sending but still listens.
 */
export function rawExchange(port: number, steps: RawStep[], { timeoutMs = 2000, halfClose = false, from }: { timeoutMs?: number; halfClose?: boolean; from?: string } = {}): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true, localAddress: from });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server is done with this connection: close ours too (it was opened half-open for `halfClose`).
    socket.on('end', () => socket.end());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it has rejected while we are still writing.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const { responses, rest } = parseResponses(Buffer.concat(chunks));
      resolve({ responses, timedOut, rest });
    });
    socket.once('connect', async () => {
      for (const step of steps) {
        if (socket.destroyed) return;
        if (typeof step === 'object' && 'pauseMs' in step) await new Promise((r) => setTimeout(r, step.pauseMs));
        else socket.write(step);
      }
      if (halfClose && !socket.destroyed) socket.end();
    });
  });
}

/** Splits a byte stream into responses (Content-Length, chunked, or until close); 1xx responses are skipped. */
export function parseResponses(raw: Buffer): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = raw.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let next = headEnd + 4;
    let body: Buffer;
    if (status < 200 || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', next);
        if (lineEnd < 0) return { responses, rest: raw.subarray(at) };
        const size = parseInt(raw.subarray(next, lineEnd).toString('latin1'), 16);
        next = lineEnd + 2;
        if (!size) {
          const trailerEnd = raw.indexOf('\r\n', next);
          next = trailerEnd < 0 ? raw.length : trailerEnd + 2;
          break;
        }
        parts.push(raw.subarray(next, next + size));
        next += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (next + length > raw.length) break;
      body = raw.subarray(next, next + length);
      next += length;
    } else {
      body = raw.subarray(next);
      next = raw.length;
    }
    at = next;
    if (status >= 200) responses.push({ status, headers, body });
  }
  return { responses, rest: raw.subarray(at) };
}

/** How a request body is delimited: correctly, or in one of the ways HTTP/1.1 parsers must refuse or survive. */
export const FRAMINGS = ['length', 'chunked', 'none', 'short-length', 'long-length', 'length-and-chunked', 'two-lengths', 'bad-length', 'bad-chunk'] as const;
export type Framing = (typeof FRAMINGS)[number];

/**
 * A raw request: `head` lines (request line first), then `body` framed as `framing` says; `split`
 * sizes the chunks and picks how lengths are wrong.
 */
export function framed(head: readonly string[], body: Buffer, framing: Framing, split: number): Buffer {
  const lines = [...head];
  let payload = body;
  switch (framing) {
    case 'length':
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'chunked':
    case 'length-and-chunked': {
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += split) {
        const part = body.subarray(at, at + split);
        chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
      }
      payload = Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')]);
      lines.push('Transfer-Encoding: chunked', ...(framing === 'length-and-chunked' ? [`Content-Length: ${payload.length}`] : []));
      break;
    }
    case 'none':
      break;
    case 'short-length':
      lines.push(`Content-Length: ${Math.floor(body.length / 2)}`);
      break;
    case 'long-length':
      lines.push(`Content-Length: ${body.length + split}`);
      break;
    case 'two-lengths':
      lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
      break;
    case 'bad-length':
      lines.push(`Content-Length: ${['-1', '1e3', '0x10', ' 12 ', '99999999999999999999'][split % 5]}`);
      break;
    case 'bad-chunk':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request on its own connection from the local address `from`: any address of 127.0.0.0/8 reaches
 * a server listening on 0.0.0.0, so one test machine can be many clients, each with its own socket address.
 */
export function requestFrom(from: string, url: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(url, { method, localAddress: from, agent: false, headers: { ...(payload ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(payload);
  });
}
