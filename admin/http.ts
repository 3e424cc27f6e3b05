/** How the dashboard talks to the server: one request function, one error type, one way to show a failure. */

/** One of several problems the server found at once (a CSV import lists each bad line). */
export interface Problem {
  line?: number;
  column?: string;
  message: string;
}

/** A refusal the page can show next to the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
}

/** An element that runs requests one at a time and shows the last one's failure. */
export interface RequestHost {
  busy: boolean;
  error?: ApiError;
}

/** Runs one request for `host`, busy meanwhile; its failure is shown (with the field it names), never thrown. */
export async function runRequest(host: RequestHost, request: () => Promise<void>): Promise<void> {
  host.busy = true;
  host.error = undefined;
  try {
    await request();
  } catch (error) {
    host.error = error instanceof ApiError ? error : new ApiError(0, 'unknown', (error as Error).message);
  } finally {
    host.busy = false;
  }
}

export type Init = RequestInit & { headers?: Record<string, string>; type?: string };

/**
 * A same-origin request (so the session cookie goes with it); a body is JSON unless `type` says otherwise.
 * Anything but a 2xx is thrown as an `ApiError` with the server's message.
 */
export async function request(path: string, init: Init = {}): Promise<Response> {
  const { headers = {}, type = 'application/json', ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...headers, ...(rest.body ? { 'content-type': type } : {}) },
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; field?: string; details?: Problem[] } } | null;
  const error = body?.error;
  throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? `The server answered ${response.status}.`, error?.field, error?.details);
}

export const requestJson = <T>(path: string, init: Init = {}) => request(path, init).then((response) => (response.status === 204 ? undefined : response.json()) as Promise<T>);

export const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined && value !== '').map(([key, value]) => [key, String(value)]));
  return search.size ? `?${search}` : '';
};

/** A file the server sends, as a Blob and its name (a link cannot carry the token or the organisation header). */
export async function download(path: string, init: Init, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  const response = await request(path, init);
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  return { blob: await response.blob(), filename };
}
