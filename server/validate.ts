import { zValidator } from '@hono/zod-validator';
import type { Context, Env, MiddlewareHandler, ValidationTargets } from 'hono';
import type { z } from 'zod';
import { fromZodError } from './errors.ts';
import { signedParams } from './middleware/twilio-signature.ts';

/**
 * `zValidator` whose failures become our error envelope (422 naming the field).
 * `codes` gives a field its own error code, e.g. `{ phone: 'invalid_phone' }`.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
  codes: Record<string, string> = {},
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const field = String(result.error.issues[0]?.path[0] ?? '');
      throw fromZodError(result.error, codes[field]);
    }
  });
}

/**
 * The request's query read through `schema`, with the same 422s as `validate('query', …)`: for routes that
 * answer most requests from a prepared body and validate only when they have to build one.
 */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T, codes: Record<string, string> = {}): z.output<T> {
  const result = schema.safeParse(c.req.query());
  if (result.success) return result.data;
  const field = String(result.error.issues[0]?.path[0] ?? '');
  throw fromZodError(result.error, codes[field]);
}

/** The raw query string (after `?`, or empty): requests that spell it the same ask the same thing. */
export function rawQuery(c: Context): string {
  const { url } = c.req;
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}

/**
 * A Twilio webhook's parameters, signed (see twilio-signature.ts, which must run first) over whatever our
 * own URL carried in its query (a re-prompt's attempt number, or the parameters a held request re-sends;
 * see webhook-budget.ts). Routes read them with `c.req.valid('form')`.
 */
export function validateTwilio<T extends z.ZodType>(schema: T): MiddlewareHandler<Env, string, { out: { form: z.output<T> } }> {
  return async function validateTwilio(c, next) {
    const result = schema.safeParse({ ...c.req.query(), ...signedParams(c) });
    if (!result.success) throw fromZodError(result.error);
    c.req.addValidatedData('form', result.data as object);
    await next();
  };
}

/** The largest value of PostgreSQL's `integer` (and `serial`): a larger one fails in the store rather than missing. */
export const INTEGER_MAX = 2 ** 31 - 1;

/**
 * A whole number from 0 to `max` (at most the column's range), written the one way an id or position
 * is: decimal digits without sign, point, exponent, space or leading zero. `Number()` alone reads
 * `0x10`, `1e3`, `1.0` and ` 1` as numbers, and `9223372036854775808` as one no integer column holds.
 */
export function wholeNumber(text: string | undefined, max: number): number | undefined {
  if (!text || !/^(0|[1-9]\d{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}
