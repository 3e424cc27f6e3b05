import { callUrl, getCall, isFinal, type ApiError, type CallSnapshot } from './api.ts';

const pollEvery = 2000;
/** The longest wait between tries while the server cannot be reached. */
const maxWait = 30000;
/** EventSource reconnects on its own; after this many errors in a row without a message we poll instead. */
const maxStreamErrors = 3;

/**
 * Follows a call until it reaches a final status, through `GET /api/calls/:id/events` and, when
 * that stream keeps failing (or EventSource is missing), by polling `GET /api/calls/:id`.
 * A server that cannot be reached (or answers 5xx, as while it restarts) is tried again with backoff,
 * and `onLost` hears that the view is stale until the next snapshot; once a poll gets through, the
 * stream is opened again. Only a server that answers 4xx stops the watch, through `onError`.
 * Returns a function that stops watching.
 */
export function watchCall(
  base: string,
  callId: string,
  onSnapshot: (snapshot: CallSnapshot) => void,
  onLost: () => void,
  onError: (error: ApiError) => void,
): () => void {
  const streams = typeof EventSource === 'function';
  let stopped = false;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    source?.close();
    clearTimeout(timer);
  };
  const deliver = (snapshot: CallSnapshot) => {
    if (stopped) return;
    if (isFinal(snapshot.status)) stop();
    onSnapshot(snapshot);
  };

  let failures = 0;
  const poll = async () => {
    try {
      deliver(await getCall(base, callId));
      // Back after an outage: the stream most likely works again.
      if (failures && !stopped && streams) return listen();
      failures = 0;
    } catch (error) {
      // A server that answers 4xx means it; anything else (no answer, 5xx, a garbled body) is tried again.
      const { status } = error as ApiError;
      if (status >= 400 && status < 500) {
        stop();
        return onError(error as ApiError);
      }
      failures++;
      onLost();
    }
    if (!stopped) timer = setTimeout(poll, Math.min(pollEvery * 2 ** failures, maxWait));
  };

  const listen = () => {
    let errors = 0;
    failures = 0;
    source = new EventSource(`${callUrl(base, callId)}/events`);
    source.addEventListener('call', (event) => {
      errors = 0;
      deliver(JSON.parse((event as MessageEvent<string>).data) as CallSnapshot);
    });
    // A server going down for a restart says so; EventSource then comes back by itself after its `retry:`.
    source.addEventListener('restarting', onLost);
    source.addEventListener('error', () => {
      if (stopped) return;
      if (source!.readyState === EventSource.CLOSED || ++errors >= maxStreamErrors) {
        source!.close();
        void poll();
      } else {
        onLost();
      }
    });
  };

  if (streams) listen();
  else void poll();
  return stop;
}
