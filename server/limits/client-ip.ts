import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import ipaddr from 'ipaddr.js';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface Client {
  /** The client's address, e.g. `203.0.113.9` or `2001:db8:1:2::5` (blocklists match it). */
  ip: string;
  /**
   * What per-address limits count by: the address itself for IPv4, its /64 for IPv6 (one subscriber
   * usually holds a whole /64, so counting single IPv6 addresses would be no limit at all).
   */
  key: string;
}

/** Routes that read the client from the context. */
export type ClientEnv = { Variables: { client: Client } };

/** `::ffff:203.0.113.9` (an IPv4 client on a dual-stack socket) → `203.0.113.9`. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** `2001:db8:1:2:3:4:5:6` → `2001:db8:1:2::/64`. */
const ipv6Prefix64 = (address: string) => `${ipaddr.IPv6.parse(address).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;

export function clientOf(address: string): Client {
  const ip = plain(address.trim());
  return { ip, key: isIP(ip) === 6 ? ipv6Prefix64(ip.split('%')[0]!) : ip };
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // no Node socket bindings
  }
}

/**
 * The client's address, in `c.get('client')`: the socket's peer, or — only when a trusted proxy header
 * is configured and the request carries it — the address that proxy reports (for X-Forwarded-For, the
 * last entry: the one our proxy appended; earlier entries are whatever the client chose to send). A
 * request without the header is counted by its socket address: leaving it out is no free pass.
 * An address that cannot be read fails closed (503), since every per-address limit depends on it.
 */
export function clientAddress({ trustedProxyHeader, log }: { trustedProxyHeader?: string; log: Logger }): MiddlewareHandler<ClientEnv> {
  return async function clientAddress(c, next) {
    const reported = trustedProxyHeader && c.req.header(trustedProxyHeader)?.split(',').at(-1)?.trim();
    const address = reported && isIP(plain(reported)) ? reported : socketAddress(c);
    if (!address || !isIP(plain(address))) {
      log(`refused ${c.req.method} ${c.req.path}: the client's address cannot be read, so no per-address limit could apply`);
      throw new ApiError(503, 'client_address_unknown', 'The service cannot tell where this request comes from, so it cannot accept it.');
    }
    c.set('client', clientOf(address));
    await next();
  };
}
