import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A receiver's check, written as the README tells campaigns to (not with the server's own signing
 * code): the signature over `timestamp.body` matches, and the timestamp is within five minutes.
 */
export function verifyCallPowerWebhook(secret: string, headers: IncomingHttpHeaders, body: string, now = Date.now()): boolean {
  const timestamp = Number(headers['x-callpower-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return String(headers['x-callpower-signature'] ?? '')
    .split(',')
    .some((part) => {
      const [version, hex] = part.trim().split('=');
      const given = Buffer.from(hex ?? '', 'hex');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** How the receiver answers one request: a status, no answer at all, or a cut connection. */
export type Answer = number | 'hang' | 'reset';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver did with it; `undefined` while it hangs. */
  answer?: Answer;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests answered 2xx, by delivery id: each id should appear once. */
  accepted(): Map<string, number>;
  /** Requests held open right now. */
  hanging(): number;
  /** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Answers every hanging request with this status (the connection may already be gone). */
  release(status: number): void;
  close(): Promise<void>;
}

/** A campaign's webhook endpoint on an ephemeral port; `decide` picks each answer (n counts from 1). */
export async function startReceiver(decide: (n: number, request: ReceivedRequest) => Answer): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const held = new Map<ReceivedRequest, ServerResponse>();
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(request);
    const answer = decide(requests.length, request);
    if (answer === 'hang') {
      held.set(request, res);
      // The sender gave up (its timeout): the request no longer hangs.
      res.on('close', () => held.delete(request));
      return;
    }
    request.answer = answer;
    if (answer === 'reset') req.socket.destroy();
    else res.writeHead(answer).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/call-power?token=t0k3n`,
    requests,
    accepted() {
      const ids = new Map<string, number>();
      for (const { headers, answer } of requests) {
        if (typeof answer === 'number' && answer >= 200 && answer < 300) {
          const id = String(headers['x-callpower-delivery']);
          ids.set(id, (ids.get(id) ?? 0) + 1);
        }
      }
      return ids;
    },
    hanging: () => held.size,
    async until(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    release(status) {
      for (const [request, res] of held) {
        request.answer = status;
        if (!res.destroyed) res.writeHead(status).end();
      }
      held.clear();
    },
    async close() {
      held.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
