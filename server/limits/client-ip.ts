import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** `::ffff:203.0.113.9` (an IPv4 client on a dual-stack socket) → `203.0.113.9`. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * The client's address: the socket's peer, or — only when a trusted proxy header is configured —
 * the address that proxy reports (for X-Forwarded-For, the last entry: the one our proxy appended;
 * earlier entries are whatever the client chose to send).
 */
export function clientIp(c: Context, trustedProxyHeader?: string): string | undefined {
  if (trustedProxyHeader) {
    const value = c.req.header(trustedProxyHeader);
    const last = value?.split(',').at(-1)?.trim();
    return last ? plain(last) : undefined;
  }
  try {
    const address = getConnInfo(c).remote.address;
    return address ? plain(address) : undefined;
  } catch {
    return undefined; // app.request() in tests has no socket
  }
}
