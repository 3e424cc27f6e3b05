import { type LookupAddress, type LookupOptions, promises as dns } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may go: only to the public internet, so an organiser cannot aim the server at
 * itself, its private network or a cloud metadata service and learn from `lastError` what answers there.
 */

/** ipaddr's `unicast` is what is left once every special range (private, loopback, link-local, …) is out. */
export function isPublicAddress(address: string): boolean {
  // `process` unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1), so it is judged as the IPv4 address it is.
  const parsed = ipaddr.process(address);
  // ipaddr calls the deprecated IPv4-compatible form (::127.0.0.1, ::/96) unicast; nothing public lives there.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return false;
  return parsed.range() === 'unicast';
}

/**
 * A URL's hostname (as WHATWG URL parsing leaves it: 127.1 and 0x7f000001 are already 127.0.0.1)
 * that is not public by its spelling alone: an address outside the public ranges, or a localhost name
 * (RFC 6761 keeps `localhost` and `*.localhost` on this machine).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (isIP(host)) return !isPublicAddress(host);
  return host === 'localhost' || host.endsWith('.localhost');
}

/** A delivery stopped before connecting; its message is what `lastError` shows. */
export class PrivateAddressError extends Error {
  constructor(host: string, how: 'is' | 'resolves to') {
    super(`refused: ${host} ${how} a private or loopback address`);
  }
}

/** All of a name's addresses; tests give their own. */
export type Resolve = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

/** As the system resolves them (`dns.lookup`: the hosts file, then DNS), like any connection would. */
export const lookupAll: Resolve = (hostname, options) => dns.lookup(hostname, { ...options, all: true });

/**
 * A `lookup` for `http.request` that fails when a name resolves to a non-public address: checked at
 * connect time, so a name that pointed outward when it was set and inward now (DNS rebinding) is
 * still refused. One inward address refuses the name, so a connection cannot fall back to it.
 */
export function publicOnlyLookup(resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (addresses) => {
        if (addresses.some(({ address }) => !isPublicAddress(address))) callback(new PrivateAddressError(hostname, 'resolves to'), '');
        else if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
