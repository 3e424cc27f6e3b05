import { EventEmitter } from 'node:events';

/**
 * Tells in-process listeners (SSE streams) that a call changed, so they re-read it at once. Changes made
 * by any process (this one included) arrive through the store's `call_changed` notifications (server.ts);
 * the code that makes a change here also says so directly, which saves the notification's round trip.
 */
export class CallNotifier {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  changed(callId: string): void {
    this.#emitter.emit(callId);
  }

  /** Notifications may have been missed (the store's listening connection was lost): every call may have changed. */
  everyChanged(): void {
    for (const callId of this.#emitter.eventNames()) this.#emitter.emit(callId);
  }

  subscribe(callId: string, listener: () => void): () => void {
    this.#emitter.on(callId, listener);
    return () => this.#emitter.off(callId, listener);
  }
}
