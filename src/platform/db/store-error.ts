/**
 * A module's database cannot be used as it is: it would not open, or its data disagree with
 * themselves. The message names the module and where the data live, and is meant to be read as
 * one line at start-up, not as a stack trace: the fix is an operator's (restore, move aside).
 */
export class StoreUnusableError extends Error {}

/** A database URL fit for messages and logs: the password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/**
 * The innermost message of an error's causes, on one line: drivers put what actually failed there
 * ("invalid page in block 1 of relation ..."), and drizzle's wrapper only restates the query.
 */
export function rootMessage(error: unknown): string {
  let e: any = error;
  for (let depth = 0; e?.cause !== undefined && e?.cause !== null && depth < 5; depth++) e = e.cause;
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}
