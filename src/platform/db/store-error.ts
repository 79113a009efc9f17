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

/** The innermost message of an error and its causes, where drivers put what actually failed. */
export function rootMessage(error: unknown): string {
  const messages: string[] = [];
  for (let e: any = error; e !== undefined && e !== null && messages.length < 5; e = e.cause) {
    messages.push(e instanceof Error ? e.message : String(e));
  }
  return [...new Set(messages)].join(': ');
}
