import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Queryable } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import { userKeys } from '../schema';
import { notErased } from '../user-rows';
import { open, seal } from './aes-gcm';
import type { MasterKey } from './master-key';
import { DATA_KEY_BYTES, importDataKey, type DataKey } from './sealed-names';

const utf8 = new TextEncoder();
/** The wrapped key is bound to its user: a row copied to another user id does not unwrap. */
const boundTo = (userId: number) => utf8.encode(`user-key-${userId}`);

/** A data key's material wrapped with the master key, as `user_keys` stores it. */
export const wrap = (master: MasterKey, userId: number, material: Uint8Array) => seal(master.key, material, boundTo(userId));

/** A stored data key's material, given the master key it was wrapped with (the store, and tools that audit it). */
export const unwrap = (master: MasterKey, userId: number, wrapped: Uint8Array) => open(master.key, wrapped, boundTo(userId));

export interface KeyStoreOptions {
  /** Unwrapped keys held in memory (least recently used go first). Default 10,000. */
  cacheSize?: number;
  /** Wait before compacting the key table after erasures, so a burst of them shares one rewrite. Default 1 s. */
  compactAfterMs?: number;
  /** The master key rotated away from: keys still wrapped with it are rewrapped with the current one. */
  previous?: MasterKey;
  /**
   * The database is this process's own (PGlite): after a compaction, close the write-ahead log
   * segment and checkpoint, so the segment holding the erased key's insert is deleted too (see
   * pglite-settings.ts). A PostgreSQL server's log belongs to its operator (archives, replicas).
   */
  ownsWriteAheadLog?: boolean;
}

/**
 * Every user's data key, stored wrapped with the master key in `user_keys` and cached unwrapped
 * in memory. A key is made once, when its user is created (or first renamed, for a user from
 * before names were sealed), and destroyed when its user is erased.
 */
export class KeyStore {
  private readonly cache = new Map<number, DataKey>();
  private readonly cacheSize: number;
  private compactTimer: ReturnType<typeof setTimeout> | undefined;
  private compacting: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly master: MasterKey,
    private readonly log: Logger,
    private readonly options: KeyStoreOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * A new key for a user id just drawn from the sequence, not stored yet: the command that creates
   * the user carries it wrapped and stores it in its own transaction (`storeNewKeys`), so a key
   * exists exactly when its user does.
   */
  prepare(userId: number): { key: DataKey; wrapped: WrappedKey } {
    const material = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
    const wrapped = wrap(this.master, userId, material);
    return { key: importDataKey(material), wrapped: { userId, masterKeyId: this.master.id, wrapped } };
  }

  /** A new key, stored at once in its own transaction (tools and tests; users get theirs with their creation). */
  async create(userId: number): Promise<DataKey> {
    const { key, wrapped } = this.prepare(userId);
    await storeNewKeys(this.db, [wrapped]);
    this.remember(userId, key);
    return key;
  }

  /**
   * The key of a user who exists and has none yet: one whose events predate sealing. Made only
   * while the user's row is not a tombstone, so a rename racing an erasure cannot leave a key behind.
   */
  async ensure(userId: number): Promise<DataKey | undefined> {
    const known = await this.get([userId]);
    if (known.has(userId)) return known.get(userId);
    const material = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
    const wrapped = wrap(this.master, userId, material);
    await this.db.execute(sql`
      insert into user_keys (user_id, master_key_id, wrapped)
      select ${userId}, ${this.master.id}, ${wrapped} where exists (select 1 from users where id = ${userId} and ${notErased})
      on conflict (user_id) do nothing`);
    return (await this.get([userId])).get(userId);
  }

  /** The keys of these users that exist (an erased user's is gone): from memory, the rest in one query. */
  async get(userIds: readonly number[], { cache = true } = {}): Promise<Map<number, DataKey>> {
    const found = new Map<number, DataKey>();
    const missing: number[] = [];
    for (const id of userIds) {
      const key = this.cache.get(id);
      if (key) found.set(id, key);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const rows = await this.db.select().from(userKeys).where(inArray(userKeys.userId, missing));
    for (const row of rows) {
      const key = importDataKey(this.unwrapRow(row));
      found.set(row.userId, key);
      if (cache) this.remember(row.userId, key);
    }
    return found;
  }

  private unwrapRow(row: typeof userKeys.$inferSelect): Uint8Array {
    if (row.masterKeyId === this.master.id) return unwrap(this.master, row.userId, row.wrapped);
    const previous = this.options.previous;
    if (previous && row.masterKeyId === previous.id) return unwrap(previous, row.userId, row.wrapped);
    throw new Error(`the key of user ${row.userId} is wrapped with master key ${row.masterKeyId}, which is not configured (PII_MASTER_KEY, PII_PREVIOUS_MASTER_KEY)`);
  }

  /** Keeps a key this instance just made (its user's creation committed) for the reads that follow. */
  remember(userId: number, key: DataKey): void {
    this.cache.delete(userId);
    this.cache.set(userId, key);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Drops an erased user's key from this instance's memory (the row went with the erasure's transaction). */
  forget(userId: number): void {
    this.cache.delete(userId);
  }

  get cached(): number {
    return this.cache.size;
  }

  /**
   * A deleted row stays in the table's file until the space is reused. After erasures, the table is
   * rewritten (VACUUM FULL: a new file without the dead rows, the old one removed), once for a burst
   * of erasures. It is small (about 130 bytes a user) and locked only while it is copied.
   */
  compactSoon(): void {
    if (this.compactTimer) return;
    this.compactTimer = setTimeout(() => {
      this.compactTimer = undefined;
      this.compacting = this.compactNow().finally(() => (this.compacting = undefined));
    }, this.options.compactAfterMs ?? 1000);
  }

  async compactNow(): Promise<void> {
    try {
      await this.db.execute(sql`vacuum full user_keys`);
      if (this.options.ownsWriteAheadLog) {
        await this.db.execute(sql`select pg_switch_wal()`);
        await this.db.execute(sql`checkpoint`);
      }
    } catch (error) {
      this.log.warn('could not compact the user key store; an erased key stays in its file until the next erasure compacts it', { error });
    }
  }

  /**
   * At start: every stored key must be wrapped with a configured master key. A data directory or
   * database started with another key (or none, so that the all-in-one made a new one) would
   * otherwise serve until the first read of an old user, then fail; it refuses here, saying how.
   */
  async checkMasterKeys(): Promise<void> {
    const known = new Set([this.master.id, ...(this.options.previous ? [this.options.previous.id] : [])]);
    const unknown = (await storedMasterKeyIds(this.db)).filter((id) => !known.has(id));
    if (unknown.length === 0) return;
    throw new Error(
      `user keys here are wrapped with master key ${unknown.join(', ')}, and this service has ${[...known].join(' and ')}: ` +
        'set PII_MASTER_KEY (and PII_PREVIOUS_MASTER_KEY during a rotation) to the keys this data was written with ' +
        '(an all-in-one without PII_MASTER_KEY uses $DATA_DIR/pii-master-key)',
    );
  }

  /** After a rotation: rewraps every key still wrapped with the previous master key. Returns how many. */
  async rewrapPrevious(pageSize = 1000): Promise<number> {
    const previous = this.options.previous;
    if (!previous || previous.id === this.master.id) return 0;
    let done = 0;
    for (;;) {
      const rows = await this.db.select().from(userKeys).where(eq(userKeys.masterKeyId, previous.id)).limit(pageSize);
      for (const row of rows) {
        const wrapped = wrap(this.master, row.userId, unwrap(previous, row.userId, row.wrapped));
        await this.db.update(userKeys).set({ masterKeyId: this.master.id, wrapped }).where(and(eq(userKeys.userId, row.userId), eq(userKeys.masterKeyId, previous.id)));
      }
      done += rows.length;
      if (rows.length < pageSize) return done;
    }
  }

  async stop(): Promise<void> {
    if (this.compactTimer) {
      clearTimeout(this.compactTimer);
      this.compactTimer = undefined;
      await this.compactNow();
    }
    await this.compacting;
  }
}

/**
 * The master key ids `user_keys` holds, each once. Read at every start, so not `select distinct`,
 * which reads the whole table (seconds at tens of millions of users): a loose index scan walks
 * user_keys_master_key_id from one id to the next, a probe of the index for each of the few ids.
 */
async function storedMasterKeyIds(db: Queryable): Promise<string[]> {
  const result = await db.execute(sql`
    with recursive ids as (
      (select master_key_id as id from user_keys order by master_key_id limit 1)
      union all
      select (select master_key_id from user_keys where master_key_id > ids.id order by master_key_id limit 1) from ids where ids.id is not null
    )
    select id from ids where id is not null`);
  return rowsOf<{ id: string }>(result).map((row) => row.id);
}

/** A data key as `user_keys` stores it: wrapped with the master key `masterKeyId` names. */
export type WrappedKey = typeof userKeys.$inferInsert;

/** New users' keys, in one statement: in the transaction that creates the users. */
export async function storeNewKeys(tx: Queryable, keys: readonly WrappedKey[]): Promise<void> {
  if (keys.length > 0) await tx.insert(userKeys).values([...keys]);
}

/** In the erasure's transaction: the user's key row goes with the names it could open. */
export async function destroyKeys(tx: Queryable, userIds: readonly number[]): Promise<void> {
  if (userIds.length > 0) await tx.delete(userKeys).where(inArray(userKeys.userId, [...userIds]));
}
