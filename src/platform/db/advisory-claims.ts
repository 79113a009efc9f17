import type { Sql } from 'postgres';
import { lockKey, type Claim } from './database';

/**
 * Claims as PostgreSQL session-level advisory locks, all held on one dedicated connection: the
 * server releases them when that connection ends, e.g. because this process died.
 *
 * Not a connection reserved from the pool: postgres.js throws from a timer, outside any promise,
 * when a query is sent on a reserved connection that has closed, and that kills the process; a
 * dropped database connection would then take the whole service down. On a client of its own, a
 * closed connection is noticed through `onclose` instead, and every lock taken before it counts
 * as lost.
 */
export function advisoryClaims(openSession: (onclose: () => void) => Sql) {
  let session: Sql | undefined;
  /** Bumped whenever the session's connection closes: the locks held on it went with it. */
  let generation = 0;
  /** Name -> the generation its lock was taken in. Asked again, a held claim is not locked twice:
   * advisory locks count, and one release would then leave the lock held. */
  const held = new Map<string, number>();
  const sql = () => (session ??= openSession(() => generation++));

  return {
    async claim(name: string): Promise<Claim | undefined> {
      const key = lockKey(name);
      if (held.get(name) !== generation) {
        const [row] = await sql()`select pg_try_advisory_lock(${key}) as held`;
        if (!row?.held) return undefined;
        // Noted as soon as the answer is in: a close handled later ends this claim.
        held.set(name, generation);
      }
      const heldOn = generation;
      const lost = () => held.get(name) !== heldOn || generation !== heldOn;
      return {
        async stillHeld() {
          if (lost()) return false;
          try {
            await sql()`select 1`;
          } catch {
            return false;
          }
          // Had the connection closed meanwhile, the query would have run on a new one.
          return !lost();
        },
        async release() {
          if (lost()) return;
          held.delete(name);
          await sql()`select pg_advisory_unlock(${key})`.catch(() => {});
        },
      };
    },
    async close(): Promise<void> {
      await session?.end({ timeout: 5 });
    },
  };
}
