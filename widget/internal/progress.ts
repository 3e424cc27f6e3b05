import { ApiError, callUrl, getCall, isFinal, type CallSnapshot } from './api.ts';

const pollEvery = 2000;
/** EventSource retries on its own; after this many errors in a row without a message we poll instead. */
const maxStreamErrors = 3;

/**
 * Follows a call until it reaches a final status, through `GET /api/calls/:id/events` and, when
 * that stream keeps failing (or EventSource is missing), by polling `GET /api/calls/:id`.
 * `onError` hears only errors that stop the watch. Returns a function that stops watching.
 */
export function watchCall(
  base: string,
  callId: string,
  onSnapshot: (snapshot: CallSnapshot) => void,
  onError: (error: ApiError) => void,
): () => void {
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

  let pollFailures = 0;
  const poll = async () => {
    try {
      deliver(await getCall(base, callId));
      pollFailures = 0;
    } catch (error) {
      // A dropped connection is worth a few more tries; a server that answers with an error is not.
      if (!(error instanceof ApiError) || error.code !== 'network' || ++pollFailures >= maxStreamErrors) {
        stop();
        onError(error instanceof ApiError ? error : new ApiError('unknown'));
      }
    }
    if (!stopped) timer = setTimeout(poll, pollEvery);
  };

  if (typeof EventSource === 'function') {
    let errors = 0;
    source = new EventSource(`${callUrl(base, callId)}/events`);
    source.addEventListener('call', (event) => {
      errors = 0;
      deliver(JSON.parse((event as MessageEvent<string>).data) as CallSnapshot);
    });
    source.addEventListener('error', () => {
      if (stopped) return;
      if (source!.readyState === EventSource.CLOSED || ++errors >= maxStreamErrors) {
        source!.close();
        void poll();
      }
    });
  } else {
    void poll();
  }
  return stop;
}
