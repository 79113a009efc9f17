/**
 * How far ahead of this server's clock an `asOf` may be: another machine's "now" is not a future
 * instant. Beyond it the answer could still change, so it is refused rather than guessed.
 */
export const AS_OF_CLOCK_SKEW_MS = 5000;

// RFC 3339 date-time: a full date, a time with optional fraction, and a zone (Z or an offset) that
// is required: without it the instant would depend on the server's time zone.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A refused `asOf`: answered 400 with this message (see platform/http/app.ts). */
export class BadAsOf extends Error {
  readonly status = 400;
}

/** Parses `asOf`, or throws BadAsOf saying what is wrong with it. */
export function parseAsOf(value: string, now: Date): Date {
  const m = RFC3339.exec(value);
  if (!m) throw new BadAsOf(`query asOf: expected an RFC 3339 instant with a time zone, like 2026-03-01T09:30:00Z (got ${JSON.stringify(value.slice(0, 64))})`);
  const [, year, month, day, hour, minute, second] = m.map(Number) as number[];
  const at = new Date(value.replace(/^(.{10})[t ]/i, '$1T'));
  // Date.parse accepts 2026-02-30 as March 2nd: a field out of range is refused instead. (A leap
  // second, :60, is allowed by RFC 3339 but has no instant of its own in JavaScript: refused too.)
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (Number.isNaN(at.getTime()) || month! < 1 || month! > 12 || day! < 1 || day! > days || hour! > 23 || minute! > 59 || second! > 59) {
    throw new BadAsOf(`query asOf: ${JSON.stringify(value)} is not a valid instant`);
  }
  if (at.getTime() > now.getTime() + AS_OF_CLOCK_SKEW_MS) {
    throw new BadAsOf(`query asOf: ${value} is in the future; answers exist only for past instants (now is ${now.toISOString()})`);
  }
  return at;
}
