import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_BACKOFF, maxAttempts, retryDelayMs } from '../../server/webhooks/backoff.ts';
import { signWebhook, webhookHeaders } from '../../server/webhooks/signature.ts';
import { verifyCallPowerWebhook } from '../support/webhook-receiver.ts';

const SECRET = 'whsec-test-0123456789abcdefghijkl';
const BODY = '{"id":"6f1c2a4e-0000-4000-8000-000000000001","type":"call.started"}';

describe('webhook signatures', () => {
  test('match a vector computed independently (openssl dgst -sha256 -hmac)', () => {
    assert.equal(signWebhook(SECRET, 1_700_000_000, BODY), 'v1=c32c88d1046c6b212f00228a2ea4cff007bddee561664d65b826b6fd1d8563a9');
  });

  test('headers name the event and delivery, and verify with the README check within five minutes', () => {
    const now = 1_700_000_000_500;
    const headers = webhookHeaders({ secret: SECRET, type: 'call.started', eventId: 'evt-1', body: BODY, now });
    assert.deepEqual(
      { ...headers, 'X-CallPower-Signature': undefined },
      {
        'Content-Type': 'application/json',
        'User-Agent': 'call-power',
        'X-CallPower-Event': 'call.started',
        'X-CallPower-Delivery': 'evt-1',
        'X-CallPower-Timestamp': '1700000000',
        'X-CallPower-Signature': undefined,
      },
    );
    const received = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    assert.ok(verifyCallPowerWebhook(SECRET, received, BODY, now));
    assert.ok(verifyCallPowerWebhook(SECRET, received, BODY, now + 299_000), 'just inside the window');
    assert.ok(!verifyCallPowerWebhook(SECRET, received, BODY, now + 301_000), 'a replay after five minutes');
    assert.ok(!verifyCallPowerWebhook(SECRET, received, BODY, now - 301_000), 'a timestamp from the future');
    assert.ok(!verifyCallPowerWebhook(SECRET, received, BODY.replace('started', 'completed'), now), 'a changed body');
    assert.ok(!verifyCallPowerWebhook(`${SECRET}x`, received, BODY, now), 'another secret');
    const restamped = { ...received, 'x-callpower-timestamp': String(Number(received['x-callpower-timestamp']) + 60) };
    assert.ok(!verifyCallPowerWebhook(SECRET, restamped, BODY, now), 'a fresh timestamp on an old signature');
  });
});

describe('delivery backoff', () => {
  test('eight attempts over about a day: 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h', () => {
    const middle = () => 0.5;
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1, DEFAULT_BACKOFF, middle));
    assert.deepEqual(delays, [30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, undefined]);
    assert.equal(maxAttempts(DEFAULT_BACKOFF), 8);
    const total = delays.reduce<number>((sum, delay) => sum + (delay ?? 0), 0);
    assert.ok(total > 20 * 3_600_000 && total * 1.2 < 28 * 3_600_000, `${total / 3_600_000} h`);
  });

  test('jitter spreads each wait by at most ±20 %', () => {
    assert.equal(retryDelayMs(1, DEFAULT_BACKOFF, () => 0), 24_000);
    assert.equal(retryDelayMs(1, DEFAULT_BACKOFF, () => 0.999999), 36_000);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(4, DEFAULT_BACKOFF)!;
      assert.ok(delay >= 2_880_000 && delay <= 4_320_000, String(delay));
    }
  });

  test('a test schedule is just a list of waits', () => {
    const fast = { delaysMs: [10, 20], jitter: 0 };
    assert.deepEqual([1, 2, 3].map((attempt) => retryDelayMs(attempt, fast)), [10, 20, undefined]);
    assert.equal(maxAttempts(fast), 3);
  });
});
