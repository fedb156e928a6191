/** Parses a request part with a zod schema; failures become a 400 listing the issues. */
import type { z } from 'zod';
import { AppError } from '../errors';

export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(400, 'VALIDATION_FAILED', `Invalid ${what}`, {
      details: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}
