import { asc, gt, or, and, eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import { users } from '../schema';
import { isErased, toUser } from '../user-rows';
import type { NameIndex } from './name-index';

const PAGE = 5000;

/**
 * Keeps a NameIndex in step with the read model: `load()` reads every row at start, `catchUp()`
 * only rows changed since the last one seen (by `lastModified`, then id), which brings in what
 * other instances of the service wrote. Rows come out of the read model through `toUser`, the one
 * place that will decrypt names once they are encrypted.
 */
export function indexFeed(db: Queryable, index: NameIndex, log: Logger) {
  let mark = { at: new Date(0), id: 0 };
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;

  async function catchUp(): Promise<void> {
    for (;;) {
      const rows = await db
        .select()
        .from(users)
        .where(or(gt(users.lastModified, mark.at), and(eq(users.lastModified, mark.at), gt(users.id, mark.id))))
        .orderBy(asc(users.lastModified), asc(users.id))
        .limit(PAGE);
      // An erasure, also one made by another instance, reaches this index as its tombstone row.
      for (const row of rows) {
        if (isErased(row)) index.erase(row.id, row.version);
        else index.put(toUser(row), row.version);
      }
      const last = rows.at(-1);
      if (last) mark = { at: last.lastModified, id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  /** One catch-up at a time; callers arriving meanwhile share it. */
  const refresh = (): Promise<void> => (running ??= catchUp().finally(() => (running = undefined)));
  const tick = () => void refresh().catch((error) => log.warn('user name index could not catch up', { error }));

  return {
    load: catchUp,
    /** Reads what changed since the last catch-up now (a read waiting for a Consistency-Token). */
    refresh,
    start(everyMs: number) {
      timer ??= setInterval(tick, everyMs);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
