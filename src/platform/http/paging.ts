import { t } from 'elysia';
import { MAX_ID } from '../ids';

// `title` names the field in the documentation, and in any validation error reported without a
// path (the error handler falls back to it). Path and query integers out of range are refused
// earlier, by name, in strict-params.ts.

/**
 * A plain JSON Schema integer, as TypeBox's own `Type.Integer` builds it. Elysia's `t.Integer` is
 * a transform that accepts text and coerces it; decoding a transform walks the schema at run time
 * on every request (a fifth of a small route's time). Path and query integers are turned into
 * numbers by strict-params.ts before validation, so the compiled check alone does the rest.
 */
function plainInteger(options: { title: string; minimum: number; maximum: number; default?: number; description: string; example: number }) {
  return { [Symbol.for('TypeBox.Kind')]: 'Integer', type: 'integer', ...options } as unknown as ReturnType<typeof t.Integer>;
}

/** Every list endpoint is bounded: `limit` defaults to 100 and may not exceed 1000. */
export const Limit = plainInteger({
  title: 'limit',
  minimum: 1,
  maximum: 1000,
  default: 100,
  description: 'at most this many items (1 to 1000, default 100)',
  example: 10,
});

/**
 * Ids are positive 32-bit integers; anything else is a 400, never a database error. The example is
 * what Swagger UI offers in "Try it out".
 */
export const Id = (name: string, description: string, example = 42) => plainInteger({ title: name, minimum: 1, maximum: MAX_ID, description, example });
