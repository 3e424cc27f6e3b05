import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
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
