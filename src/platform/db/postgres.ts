import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Logger } from '../log';
import { lockKey, ping, type Claim, type Database, type Db } from './database';
import { migrate } from './migrate';

export interface PostgresOptions {
  url: string;
  migrationsFolder: string;
  /** Connections in the pool. */
  poolSize?: number;
  log: Logger;
}

/**
 * PostgreSQL through postgres.js, behind the same drizzle database as PGlite. Several instances of
 * a module may share it: migrations serialise on an advisory lock, and `claim` uses a session-level
 * advisory lock on a reserved connection, released by the server if this process dies.
 */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const client = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: 'social-network' },
  });
  const db = drizzle({ client }) as unknown as Db;
  try {
    await migrate(db, options.migrationsFolder);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  return {
    db,
    ping: () => ping(db),
    async claim(name) {
      const reserved = await client.reserve();
      const [row] = await reserved`select pg_try_advisory_lock(${lockKey(name)}) as held`;
      if (!row?.held) {
        reserved.release();
        return undefined;
      }
      let released = false;
      const claim: Claim = {
        async stillHeld() {
          if (released) return false;
          try {
            await reserved`select 1`;
            return true;
          } catch {
            released = true;
            return false;
          }
        },
        async release() {
          if (released) return;
          released = true;
          await reserved`select pg_advisory_unlock(${lockKey(name)})`.catch(() => {});
          reserved.release();
        },
      };
      return claim;
    },
    async notify(channel) {
      await client.notify(channel, '');
    },
    async listen(channel, onNotify) {
      await client.listen(channel, () => onNotify());
    },
    async close() {
      await client.end({ timeout: 5 });
      options.log.debug('postgres pool closed');
    },
  };
}
