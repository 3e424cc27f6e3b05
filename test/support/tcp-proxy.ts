import { createServer, type Server, type Socket, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A TCP hop in front of the local PostgreSQL that a test can slow down, cut and restore —
 * a slow or restarting database, seen from the server.
 */
export class TcpProxy {
  #server?: Server;
  readonly #sockets = new Set<Socket>();
  port = 0;
  /** Added to every chunk in both directions. */
  delayMs = 0;

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket)).on('error', () => {});
      }
      this.#relay(client, upstream);
      this.#relay(upstream, client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Rewrites a database URL to go through this proxy. */
  route = (url: URL) => Object.assign(new URL(url), { port: String(this.port) });

  async cut(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server!.close(resolve));
  }

  #relay(from: Socket, to: Socket): void {
    // Chunks stay in order: each waits for the one before it.
    let queue = Promise.resolve();
    from.on('data', (chunk) => {
      queue = queue.then(async () => {
        if (this.delayMs) await sleep(this.delayMs);
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => void queue.then(() => to.end()));
  }
}
