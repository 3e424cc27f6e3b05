import type { Server } from 'node:http';
import type { Logger } from '../log.ts';
import { clientOf } from './client-ip.ts';

/**
 * Closes connections past `max` open at once from one address (one /64 for IPv6), so a single client
 * cannot take every socket the process can hold. Behind a proxy every connection is the proxy's, so
 * the caller skips this there (the proxy must cap clients itself).
 */
export function capConnectionsPerAddress(server: Server, max: number, log: Logger): void {
  const open = new Map<string, number>();
  /** Addresses at the cap that were logged once already (until they drop below it). */
  const logged = new Set<string>();
  server.on('connection', (socket) => {
    const { key } = clientOf(socket.remoteAddress ?? '');
    const count = (open.get(key) ?? 0) + 1;
    if (count > max) {
      if (!logged.has(key)) log(`connections: ${key} holds ${max} open connections; closing new ones until some end`);
      logged.add(key);
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left < max) logged.delete(key);
      if (left) open.set(key, left);
      else open.delete(key);
    });
  });
}
