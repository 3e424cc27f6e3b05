import type { Hono } from 'hono';
import twilio from 'twilio';
import { createApp } from '../../server/app.ts';
import { CallNotifier } from '../../server/calls/notifier.ts';
import type { AppDeps } from '../../server/deps.ts';
import { Blocklist } from '../../server/limits/blocklist.ts';
import { Metrics } from '../../server/metrics.ts';
import { CHANNELS } from '../../server/store/notifications.ts';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { TwilioAccounts } from '../../server/telephony/accounts.ts';
import { congress, json, testConfig } from './server.ts';
import type { TestStore } from './store.ts';

/**
 * What the store tells every process's dial queue (the lane of each call queued), heard as a server's
 * dialer hears it. `settled()` waits for notifications in flight: NOTIFY is delivered after the commit.
 */
export async function hearDialQueue(store: TestStore) {
  const lanes: string[] = [];
  const stop = await store.listen(CHANNELS.dialQueue, (lane) => lanes.push(lane ?? ''));
  const settled = async (expected = 0) => {
    for (let i = 0; i < 100 && lanes.length < expected; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    // One more moment for any that should not have come.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return lanes;
  };
  return { lanes, settled, stop };
}

/** Route-level deps: no socket, no dialing (the dial queue is exercised in dialer and e2e tests). */
export function testDeps(store: TestStore, env: Record<string, string> = {}) {
  const config = testConfig(env);
  const secretKey = 'test-secret-key-test-secret-key-0000';
  const deps: AppDeps = {
    config,
    store,
    notifier: new CallNotifier(),
    accounts: new TwilioAccounts({ db: store.db, secretKey, server: config.twilio, apiUrl: config.twilio.apiUrl }),
    congress,
    blocklist: new Blocklist(store.db),
    secretKey,
    log: () => {},
    metrics: new Metrics(),
    stopping: new AbortController().signal,
  };
  return { deps, app: fromSocket(createApp(deps)) };
}

/** The address route-level requests come from (the documentation range, RFC 5737). */
export const TEST_CLIENT_IP = '192.0.2.10';

/**
 * `app.request()` has no socket, and the app refuses requests whose client address it cannot read;
 * this gives each request the Node bindings `@hono/node-server` would, with `TEST_CLIENT_IP` as the peer.
 */
function fromSocket(app: Hono): Hono {
  const request = app.request.bind(app);
  app.request = (input, init, env, executionCtx) => request(input, init, env ?? socketAt(TEST_CLIENT_IP), executionCtx);
  return app;
}

/** The bindings for `app.request(input, init, socketAt(ip))`: a request from another address. */
export const socketAt = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

/** Route-level deps with the demo campaign and one call accepted on it (the dial queue is not running). */
export async function withDemoCall(store: TestStore) {
  const route = testDeps(store);
  await ensureDemoCampaign(store.db);
  const response = await route.app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401' }));
  return { ...route, callId: (await response.json()).call.id as string };
}

/** A request to `path` signed the way Twilio signs it, for `app.request()`. */
export function signedTwilioPost(deps: AppDeps, path: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(deps.config.twilio.authToken, deps.config.publicUrl + path, params);
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params),
  });
}
