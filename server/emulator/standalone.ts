// The emulator in a process of its own, so a test can kill and restart servers while the phone network
// carries on: `node --import tsx server/emulator/standalone.ts [--port 0] [--account-sid AC…]
// [--auth-token …] [--time-scale 0] [--leg-seconds 4] [--verbose]` (or EMULATOR_PORT, TWILIO_ACCOUNT_SID,
// TWILIO_AUTH_TOKEN, EMULATOR_TIME_SCALE, EMULATOR_LEG_SECONDS). Servers then run live against it with
// TWILIO_API_URL set to its URL. It reports `ready` over IPC when forked, else as a JSON line on stdout,
// and answers the requests of `StandaloneRequest` over IPC.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createEmulator } from './index.ts';
import type { CallStatus, EmulatedCall, Emulator, HeldCreate, LegStatus, TwilioError, WebhookKind } from './types.ts';

export interface StandaloneOptions {
  port?: number;
  accountSid?: string;
  authToken?: string;
  timeScale?: number;
  legSeconds?: number;
  log?: (line: string) => void;
}

/** One call as the emulator saw it, in plain JSON (it crosses a process boundary). */
export interface CallRecord {
  sid: string;
  to: string;
  from: string;
  direction: EmulatedCall['direction'];
  /** The Url the REST create named: it points at the server that placed the call. */
  url: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Twilio's status: final as soon as the call ends, before its final status callback is sent. */
  status: CallStatus;
  /** The final status callback has been answered, or found no server: nothing more will be sent. */
  ended: boolean;
  duration: number;
  /** Every webhook sent for the call; `status` 0 when no HTTP response came (the server was down). */
  webhooks: { kind: WebhookKind; url: string; status: number }[];
  /** Each office dialed: how the leg ended and whether the supporter was connected to it. */
  legs: { number: string; status: LegStatus; duration: number; bridged: boolean }[];
  /** Twilio error codes the call ran into (11200: a webhook got no good answer). */
  errors: number[];
}

export type StandaloneRequest =
  | { type: 'calls'; id: number }
  /** Answered with `held` once the Calls.json POST after the next `after` arrives and is held (see `Emulator.holdNextCreate`). */
  | { type: 'hold-next-create'; id: number; after?: number }
  /** Releases the create held by request `hold`. */
  | { type: 'release'; id: number; hold: number }
  | { type: 'fail-next-create'; id: number; error: TwilioError };

export type StandaloneMessage =
  | { type: 'ready'; url: string; accountSid: string; authToken: string }
  | { type: 'calls'; id: number; calls: CallRecord[] }
  | { type: 'held'; id: number; call: CallRecord }
  | { type: 'done'; id: number };

export function callRecord(call: EmulatedCall, emulator: Emulator): CallRecord {
  const bridged = new Set(call.transcript.flatMap((entry) => (entry.kind === 'bridged' ? [`${entry.leg} ${entry.number}`] : [])));
  return {
    sid: call.sid,
    to: call.to,
    from: call.from,
    direction: call.direction,
    url: call.url,
    createdAt: call.dateCreated.getTime(),
    status: call.status,
    ended: emulator.hasEnded(call.sid),
    duration: call.duration,
    webhooks: call.requests.map((request) => ({ kind: request.kind, url: request.url, status: request.responseStatus })),
    legs: call.transcript.flatMap((entry) =>
      entry.kind === 'leg-status'
        ? [{ number: entry.number, status: entry.status, duration: entry.duration, bridged: bridged.has(`${entry.leg} ${entry.number}`) }]
        : [],
    ),
    errors: call.transcript.flatMap((entry) => (entry.kind === 'error' && entry.code ? [entry.code] : [])),
  };
}

export interface StandaloneEmulator {
  url: string;
  accountSid: string;
  authToken: string;
  emulator: Emulator;
  close(): Promise<void>;
}

/** Serves the emulator's REST API alone on 127.0.0.1:`port` (0: a free port). */
export async function startStandaloneEmulator(options: StandaloneOptions = {}): Promise<StandaloneEmulator> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const emulator = createEmulator({ accountSid, authToken, timeScale: options.timeScale ?? 0, legSeconds: options.legSeconds, log: options.log });
  const app = new Hono().route('/', emulator.app);
  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    emulator,
    async close() {
      await emulator.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Answers the harness's requests over IPC. */
function serveRequests(running: StandaloneEmulator, send: (message: StandaloneMessage) => void): void {
  const holds = new Map<number, HeldCreate>();
  process.on('message', (request: StandaloneRequest) => {
    switch (request.type) {
      case 'calls':
        return send({ type: 'calls', id: request.id, calls: [...running.emulator.calls.values()].map((call) => callRecord(call, running.emulator)) });
      case 'hold-next-create': {
        const held = running.emulator.holdNextCreate(request.after);
        holds.set(request.id, held);
        void held.call.then((call) => send({ type: 'held', id: request.id, call: callRecord(call, running.emulator) }));
        return;
      }
      case 'release':
        holds.get(request.hold)?.release();
        holds.delete(request.hold);
        return send({ type: 'done', id: request.id });
      case 'fail-next-create':
        running.emulator.failNextCreate(request.error);
        return send({ type: 'done', id: request.id });
    }
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.EMULATOR_PORT ?? '0' },
      'account-sid': { type: 'string', default: process.env.TWILIO_ACCOUNT_SID },
      'auth-token': { type: 'string', default: process.env.TWILIO_AUTH_TOKEN },
      'time-scale': { type: 'string', default: process.env.EMULATOR_TIME_SCALE ?? '0' },
      'leg-seconds': { type: 'string', default: process.env.EMULATOR_LEG_SECONDS ?? '4' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0 (got ${String(values[name])})`);
    return value;
  };
  const running = await startStandaloneEmulator({
    port: number('port'),
    accountSid: values['account-sid'],
    authToken: values['auth-token'],
    timeScale: number('time-scale'),
    legSeconds: number('leg-seconds'),
    log: values.verbose ? (line) => console.error(line) : undefined,
  });
  const ready: StandaloneMessage = { type: 'ready', url: running.url, accountSid: running.accountSid, authToken: running.authToken };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= running.close().then(() => process.exit(0)));
  if (process.send) {
    const send = (message: StandaloneMessage) => process.send?.(message);
    serveRequests(running, send);
    send(ready);
    process.once('disconnect', stop);
  } else {
    console.log(JSON.stringify(ready));
  }
  process.once('SIGTERM', stop).once('SIGINT', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
