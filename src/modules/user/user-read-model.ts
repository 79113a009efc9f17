import { inArray, sql } from 'drizzle-orm';
import type { ReadModelShape } from '../../platform/events/read-model-check';
import { userStreamId, type UserEvent } from './contracts/events';
import { users } from './schema';

const prefix = userStreamId(0).replace(/0$/, '');

/** How `users` follows the user streams: one row per stream, at the stream's version. */
export const usersReadModel: ReadModelShape<UserEvent> = {
  table: 'users',
  streamPrefix: prefix,
  rows: sql`select ${prefix}::text || id as stream_id, version::bigint as mark from users`,
  expectedMark: sql`head.stream_version`,
  rowless: sql`false`,
  clear: async (tx, streamIds) => void (await tx.delete(users).where(inArray(users.id, streamIds.map((id) => Number(id.slice(prefix.length)))))),
};
