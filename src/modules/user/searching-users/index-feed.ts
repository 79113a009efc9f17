import { asc, gt, or, and, eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import type { KeyStore } from '../personal-data/key-store';
import { namesOfRows } from '../personal-data/open-names';
import { users } from '../schema';
import { toUser } from '../user-rows';
import type { NameIndex } from './name-index';

const PAGE = 5000;

/**
 * Keeps a NameIndex in step with the read model: `load()` reads every row at start, `catchUp()`
 * only rows changed since the last one seen (by `lastModified`, then id), which brings in what
 * other instances of the service wrote. Names are opened with their users' keys a page at a time;
 * the keys of a whole load are not kept in the key cache, which is for the users being served.
 */
export function indexFeed(db: Queryable, keys: KeyStore, index: NameIndex, log: Logger) {
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
      const names = await namesOfRows(keys, rows, { cache: false });
      // An erasure, also one made by another instance, reaches this index as its tombstone row
      // (or, in a race, as a row whose key is already gone): this instance forgets the key too.
      for (const row of rows) {
        const named = names.get(row.id);
        if (named) index.put(toUser(row, named), row.version);
        else {
          index.erase(row.id, row.version);
          keys.forget(row.id);
        }
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
