import { customType, index, integer, pgSequence, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export { events, outbox } from '../../platform/events/event-store-schema';

/** Ids are allocated in increasing order, as clients of the original expect. */
export const userIds = pgSequence('user_ids');

/** Read model derived from the user streams; can be rebuilt from `events`. */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey(),
    /** Names sealed with the user's data key, as the last event carried them (see personal-data/). */
    sealedNames: text('sealed_names'),
    /**
     * Plaintext names of a user whose events were written before names were sealed (version 1),
     * until `bun run migrate -- encrypt-history` seals them; null otherwise. Both blank: erased.
     */
    firstName: text('first_name'),
    lastName: text('last_name'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastModified: timestamp('last_modified', { withTimezone: true, mode: 'date' }).notNull(),
    /** Stream version, served as the ETag. */
    version: integer('version').notNull(),
  },
  // The name index catches up with changes made elsewhere in (last_modified, id) order, every few
  // seconds and before a search waits for a token: without this, each catch-up scans the table.
  (table) => [index('users_last_modified_id').on(table.lastModified, table.id)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Each user's data key, wrapped with the master key (personal-data/key-store.ts). Erasing a user
 * deletes the row and compacts the table, so the key is gone from the store's files, not only
 * marked; the events keep names sealed under a key that no longer exists.
 */
export const userKeys = pgTable(
  'user_keys',
  {
    userId: integer('user_id').primaryKey(),
    /** Fingerprint of the master key that wrapped it: what a rotation rewraps. */
    masterKeyId: text('master_key_id').notNull(),
    wrapped: bytea('wrapped').notNull(),
  },
  // The start's check of master keys walks the few distinct ids through it (KeyStore.checkMasterKeys),
  // and a rotation finds the keys left to rewrap: without it, both read the whole table.
  (table) => [index('user_keys_master_key_id').on(table.masterKeyId)],
);

/**
 * The audit trail of rewrites of stored events: `encrypt-history` sealing names that version-1
 * events carried in the clear, the one rewrite of history this service makes (README, "Erasing a
 * user"). Not an event: consumers have nothing to do with it, and the stream heads other services
 * audit against stay those of the users.
 */
export const historyRewrites = pgTable('history_rewrites', {
  id: serial('id').primaryKey(),
  kind: text('kind').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  eventsResealed: integer('events_resealed').notNull().default(0),
  rowsResealed: integer('rows_resealed').notNull().default(0),
  /** Events of erased users: sealed under a key made for the purpose and thrown away. */
  eventsShredded: integer('events_shredded').notNull().default(0),
});
