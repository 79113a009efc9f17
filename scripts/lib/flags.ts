// Pieces every command line of this project's tools shares (generate, load, fuzz, bench), so a
// flag reads and fails the same way in each.

/** Thrown for any bad input; its message is meant for the user as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--flag N` with N a whole number in [min, max]. */
export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  // Strict digits only: Number('1e3'), Number(' 7') and parseInt('12abc') would all silently accept typos.
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${value}`);
  return n;
}

/** `--url` (or `name`, e.g. a variable): an absolute http(s) URL; `example` is shown when it is not one. */
export function httpUrl(value: string, example: string, name = '--url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} must be an absolute URL such as ${example}, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name} must use http or https, got "${url.protocol}"`);
  return url;
}
