/**
 * Ids (users, stream versions) are positive PostgreSQL `int4` values. Every place that accepts one
 * from outside checks it against this bound, so a larger number is refused as bad input instead of
 * failing later as a database error.
 */
export const MAX_ID = 2_147_483_647;

export const isId = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ID;
