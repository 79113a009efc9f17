import { UsageError } from '../../scripts/lib/flags';

/**
 * The message of the UsageError that `run` throws, for tests of the command-line parsers. Anything
 * else thrown is passed on, and accepting the input is an error too, so the calling test fails
 * whenever the parser does not refuse the input the way a user would be told.
 */
export function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError, but the input was accepted');
}
