import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Logger } from '../log';
import { advisoryClaims } from './advisory-claims';
import { ping, type Database, type Db } from './database';
import { migrate } from './migrate';
import { postgresSsl } from './postgres-tls';
import { withoutPassword } from './store-error';

export interface PostgresOptions {
  url: string;
  migrationsFolder: string;
  /** Connections in the pool. */
  poolSize?: number;
  /** How long opening a connection may take; a query waiting for it then fails (see `isDatabaseUnavailable`). */
  connectTimeoutMs?: number;
  /** PEM of a private CA that signed the server's certificate (with `sslmode` in the URL; see postgres-tls.ts). */
  sslCa?: string;
  log: Logger;
}

/**
 * Seconds before a pool connection tries again after failing to connect. postgres.js's default
 * grows to 20 s: during an outage a query would sit that long waiting for its connection instead
 * of failing, and once the server is back the pool would take as long to notice. Capped at half a
 * second, an outage is reported and a recovery seen within about the connect timeout.
 */
const reconnectDelay = (failures: number) => Math.min(0.5, 0.01 * 3 ** failures);

/**
 * PostgreSQL through postgres.js, behind the same drizzle database as PGlite. Several instances of
 * a module may share it: migrations serialise on an advisory lock, and `claim` uses a session-level
 * advisory lock on a connection of its own, released by the server if this process dies.
 */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const settings = {
    onnotice: () => {},
    connect_timeout: (options.connectTimeoutMs ?? 5_000) / 1000,
    backoff: reconnectDelay,
    connection: { application_name: 'social-network' },
    ssl: postgresSsl(options.url, options.sslCa),
  };
  const client = postgres(options.url, { ...settings, max: options.poolSize ?? 10 });
  // No lifetime limit: replacing the connection would drop the locks held on it.
  const claims = advisoryClaims((onclose) => postgres(options.url, { ...settings, max: 1, max_lifetime: null, onclose }));
  const db = drizzle({ client }) as unknown as Db;
  try {
    await migrate(db, options.migrationsFolder);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  return {
    db,
    ownedByThisProcess: false,
    location: withoutPassword(options.url),
    ping: () => ping(db),
    claim: (name) => claims.claim(name),
    async notify(channel) {
      await client.notify(channel, '');
    },
    async listen(channel, onNotify) {
      await client.listen(channel, () => onNotify());
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), claims.close()]);
      options.log.debug('postgres pool closed');
    },
  };
}
