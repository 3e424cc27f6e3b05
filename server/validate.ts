import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { fromZodError } from './errors.ts';

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
 * A Twilio webhook's parameters: the form body, over whatever our own URL carried in its query
 * (a re-prompt's attempt number, or the parameters a held request re-sends; see webhook-budget.ts).
 */
export function validateTwilio<T extends z.ZodType>(schema: T) {
  return validator('form', (form, c) => {
    const result = schema.safeParse({ ...c.req.query(), ...form });
    if (!result.success) throw fromZodError(result.error);
    return result.data as z.output<T>;
  });
}
