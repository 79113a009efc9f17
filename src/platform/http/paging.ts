import { t } from 'elysia';

/** Every list endpoint is bounded: `limit` defaults to 100 and may not exceed 1000. */
export const Limit = t.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'at most this many items (1..1000, default 100)' });

/** Ids are positive 32-bit integers; anything else is a 400, never a database error. */
export const Id = (description: string) => t.Integer({ minimum: 1, maximum: 2147483647, description });
