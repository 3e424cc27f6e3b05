import { ApiError } from '../errors.ts';

export interface StreamSlotsOptions {
  /** Event streams one client address (IPv6: one /64) may hold open at once. */
  perClient: number;
  /** Event streams one call may have open at once (a supporter with the page open in a few tabs). */
  perCall: number;
}

/**
 * Counts the open event streams of this process by client and by call. A stream holds a socket and
 * its call's feed for minutes, so past either cap a new one is refused (429) instead of piling up.
 */
export class StreamSlots {
  readonly #options: StreamSlotsOptions;
  readonly #byClient = new Map<string, number>();
  readonly #byCall = new Map<string, number>();

  constructor(options: StreamSlotsOptions) {
    this.#options = options;
  }

  /** Takes a slot for a stream of `callId` from `clientKey`, or throws 429; the returned function gives it back. */
  take(clientKey: string, callId: string): () => void {
    const { perClient, perCall } = this.#options;
    if ((this.#byClient.get(clientKey) ?? 0) >= perClient) {
      throw new ApiError(429, 'too_many_streams', `At most ${perClient} live call updates may be open from one network; close another page and try again.`, undefined, {
        'Retry-After': '10',
      });
    }
    if ((this.#byCall.get(callId) ?? 0) >= perCall) {
      throw new ApiError(429, 'too_many_streams', `At most ${perCall} pages may follow one call at once.`, undefined, { 'Retry-After': '10' });
    }
    bump(this.#byClient, clientKey, 1);
    bump(this.#byCall, callId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bump(this.#byClient, clientKey, -1);
      bump(this.#byCall, callId, -1);
    };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
