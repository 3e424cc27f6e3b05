import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

/** An error a client can act on: it becomes `{ error: { code, message, field?, details? } }` with `status`. */
export class ApiError extends Error {
  /** Every problem found, when there can be several (e.g. each bad line of a CSV file). */
  details?: readonly object[];
  /** More fields a client may act on, e.g. which limit a 429 hit (`reason`, `limit`, `retryAfter`). */
  facts?: Readonly<Record<string, string | number>>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export function errorBody(code: string, message: string, field?: string, details?: readonly object[]) {
  return { error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } };
}

/** First zod issue as an ApiError naming its field (`targets.custom.2.phone`). */
export function fromZodError(error: { issues: readonly z.core.$ZodIssue[] }, code = 'invalid_body'): ApiError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  const message = field ? `${field}: ${issue.message}` : issue.message;
  return new ApiError(422, code, message, field);
}

/** Connection-level failures of the store (refused, reset, shut down, timed out): the request may succeed later. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** PostgreSQL refusing a text value (NUL bytes, invalid UTF-8): the client's input, not our fault. */
const UNREADABLE_TEXT_CODES = new Set(['22021', '22P05']);

const hasCode = (err: unknown, codes: Set<string>) =>
  causes(err).some((e) => {
    const { code } = e as { code?: unknown };
    return typeof code === 'string' && codes.has(code);
  });

/**
 * The same for a lone UTF-16 surrogate, which JSON.parse lets through and JSON.stringify writes as an
 * escape a `jsonb` column refuses (a `text` column gets U+FFFD instead). Only we write JSON, so a JSON
 * syntax error from the store can only be such text.
 */
const isUnreadableJson = (e: unknown) => (e as { code?: unknown }).code === '22P02' && /type json/.test((e as Error).message);
const isUnreadableText = (err: unknown) => hasCode(err, UNREADABLE_TEXT_CODES) || causes(err).some(isUnreadableJson);

export function isStoreUnavailable(err: unknown): boolean {
  return (
    hasCode(err, UNAVAILABLE_CODES) ||
    causes(err).some((e) => /Connection terminated|connection timeout|Client has encountered a connection error/i.test(String((e as Error).message)))
  );
}

/**
 * A log line for an unexpected error. Drizzle's query errors carry the query's parameters, which may
 * hold a caller's number, so only the database's own message is kept.
 */
export function describeError(err: unknown): string {
  const root = causes(err).at(-1) as Error;
  return (err as Error).name === 'DrizzleQueryError' ? `store query failed: ${root.message}` : ((err as Error).stack ?? String(err));
}

/** The one app-wide error handler: every failure leaves as the JSON envelope, never as a stack trace. */
export function handleError(err: Error, c: Context, log: (line: string) => void): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const body = errorBody(err.code, err.message, err.field, err.details);
    return c.json({ error: { ...err.facts, ...body.error } }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'body_too_large' : /json/i.test(err.message) ? 'invalid_json' : 'bad_request';
    return c.json(errorBody(code, err.message || 'Bad request'), status);
  }
  // The client hung up mid-body: nobody will read an answer, and it says nothing about the store.
  if (c.req.raw.signal?.aborted || err.message === 'aborted') return c.json(errorBody('client_aborted', 'The request was abandoned.'), 400);
  if (isUnreadableText(err)) {
    return c.json(errorBody('bad_request', 'The request holds characters that cannot be stored (such as a NUL byte).'), 400);
  }
  if (isStoreUnavailable(err)) {
    log(`store unavailable: ${c.req.method} ${c.req.path}: ${describeError(err).split('\n')[0]}`);
    c.header('Retry-After', '10');
    return c.json(errorBody('unavailable', 'The service is briefly unavailable; please try again in a moment.'), 503);
  }
  log(`error: ${c.req.method} ${c.req.path}: ${describeError(err)}`);
  return c.json(errorBody('internal', 'Something went wrong on our side; please try again.'), 500);
}
