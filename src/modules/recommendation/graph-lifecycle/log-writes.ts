import type { Database } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';

/**
 * How the instances of a group that share one log tell each other they wrote to it, so that the
 * readers of the log (the replicas, the durable feed's writer) read when there is something new
 * instead of polling all the time.
 */
const LOG_WRITTEN = 'recommendation_log_written';

/** The least time between two reads by one reader: under load, several instances' writes come in one read. */
export const READ_GAP_MS = 20;

/**
 * How often a reader that hears the notifications reads anyway: only to bound how long one lost
 * with its connection goes unnoticed.
 */
export const QUIET_POLL_MS = 1_000;

/** After this instance logged rows. Not awaited: a notification lost is made up by the readers' poll. */
export function announceLogWrite(database: Pick<Database, 'notify'>): void {
  database.notify(LOG_WRITTEN).catch(() => undefined);
}

/**
 * Calls `wake` whenever an instance says it logged rows. Resolves to the pause a reader keeps
 * between reads when nothing wakes it: QUIET_POLL_MS, or READ_GAP_MS where it cannot listen.
 */
export async function wakeOnLogWrites(database: Pick<Database, 'listen'>, wake: () => void, log: Logger): Promise<number> {
  try {
    await database.listen(LOG_WRITTEN, wake);
    return QUIET_POLL_MS;
  } catch (error) {
    log.warn(`cannot listen for rows the instances log; reading the log every ${READ_GAP_MS} ms instead`, { error });
    return READ_GAP_MS;
  }
}
