import { EventEmitter } from 'node:events';

/**
 * Tells in-process listeners (SSE streams) that a call changed, so they re-read it at once.
 * Listeners also poll, so a change made by another server process still reaches them.
 */
export class CallNotifier {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  changed(callId: string): void {
    this.#emitter.emit(callId);
  }

  subscribe(callId: string, listener: () => void): () => void {
    this.#emitter.on(callId, listener);
    return () => this.#emitter.off(callId, listener);
  }
}
