import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import twilio from 'twilio';
import { createEmulator, type EmulatorOptions, type TranscriptEntry } from '../../server/emulator/index.ts';
import { createTwilioClient } from '../../server/telephony/twilio-client.ts';

// The emulator tests' harness: the emulator on its own port, a TwiML app standing in for ours, and the
// official SDK pointed at the emulator.
export const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
export const AUTH_TOKEN = 'emulator-test-token';
export const SUPPORTER = '+12025554567';
export const CALLER_ID = '+12025550000';
export const OFFICE = { senate: '+12025550100', house: '+12025550101', other: '+12025550102' };

export interface Received {
  path: string;
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  signed: boolean;
  /** X-Twilio-Signature, and the URL it signs, for a check with another account's token. */
  signature: string;
  url: string;
  idempotencyToken: string | undefined;
}

export type Reply = string | { status: number; body: string; type?: string };
export type Route = (request: Received, count: number) => Reply;

/** A TwiML app like ours: checks every request's signature with the SDK and answers from `routes`. */
async function twimlApp(routes: Record<string, Route>) {
  const received: Received[] = [];
  const app = new Hono();
  app.all('*', async (c) => {
    const params = c.req.method === 'POST' ? ((await c.req.parseBody()) as Record<string, string>) : {};
    const signature = c.req.header('X-Twilio-Signature') ?? '';
    const request: Received = {
      path: c.req.path,
      method: c.req.method,
      params,
      query: c.req.query(),
      signed: twilio.validateRequest(AUTH_TOKEN, signature, c.req.url, params),
      signature,
      url: c.req.url,
      idempotencyToken: c.req.header('I-Twilio-Idempotency-Token'),
    };
    received.push(request);
    const route = routes[c.req.path];
    if (!route) return c.text('', 200);
    const reply = route(request, received.filter((r) => r.path === c.req.path).length);
    if (typeof reply === 'string') return c.body(reply, 200, { 'Content-Type': 'text/xml' });
    return c.body(reply.body, reply.status as 200, { 'Content-Type': reply.type ?? 'text/xml' });
  });
  const server = await listen(app);
  return { ...server, received, at: (path: string) => received.filter((r) => r.path === path) };
}

async function listen(app: Hono) {
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An emulator served on its own port, a TwiML app, and the real SDK pointed at the emulator. */
export async function harness(routes: Record<string, Route>, options: Partial<EmulatorOptions> = {}) {
  const logs: string[] = [];
  const emulator = createEmulator({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    timeScale: 0,
    log: (line) => logs.push(line),
    ...options,
  });
  const root = new Hono();
  root.route('/', emulator.app);
  const api = await listen(root);
  const app = await twimlApp(routes);
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: api.url });
  const call = (extra: Record<string, unknown> = {}) =>
    client.calls.create({ to: SUPPORTER, from: CALLER_ID, url: `${app.url}/answer`, ...extra });
  const close = async () => {
    await emulator.close();
    await Promise.all([api.close(), app.close()]);
  };
  return { emulator, client, app, api, call, logs, close };
}

export async function withHarness(
  routes: Record<string, Route>,
  options: Partial<EmulatorOptions>,
  body: (h: Awaited<ReturnType<typeof harness>>) => Promise<void>,
) {
  const h = await harness(routes, options);
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

export const twiml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
export const kinds = (transcript: TranscriptEntry[]) => transcript.map((e) => e.kind);
export const ofKind = <K extends TranscriptEntry['kind']>(transcript: TranscriptEntry[], kind: K) =>
  transcript.filter((e): e is Extract<TranscriptEntry, { kind: K }> => e.kind === kind);
export const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
