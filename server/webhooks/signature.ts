import { createHmac } from 'node:crypto';

/**
 * `v1=` + hex HMAC-SHA256 of `timestamp.body`, keyed with the campaign's secret as text. The timestamp
 * is signed with the body so a captured request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The request headers of one delivery attempt. */
export function webhookHeaders({ secret, type, eventId, body, now = Date.now() }: { secret: string; type: string; eventId: string; body: string; now?: number }) {
  const timestamp = Math.floor(now / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'call-power',
    'X-CallPower-Event': type,
    'X-CallPower-Delivery': eventId,
    'X-CallPower-Timestamp': String(timestamp),
    'X-CallPower-Signature': signWebhook(secret, timestamp, body),
  };
}
