import { sql } from 'drizzle-orm';
import type { ReadModelShape } from '../../platform/events/read-model-check';
import type { FriendEvent } from './contracts/events';

/** The stream of a row, as `friendshipStreamId` makes it. */
const streamOfRow = sql`'friendship-' || least(user_id, friend_id) || '-' || greatest(user_id, friend_id)`;

/**
 * How `friendships` follows the friendship streams. A row holds the id its stream's last
 * `FriendAdded` gave it, and ids grow, so the id is the mark; a stream ending in `FriendRemoved`
 * holds no row.
 */
export const friendshipsReadModel: ReadModelShape<FriendEvent> = {
  table: 'friendships',
  streamPrefix: 'friendship-',
  rows: sql`select ${streamOfRow} as stream_id, id::bigint as mark from friendships`,
  expectedMark: sql`(head.data->>'friendshipId')::bigint`,
  rowless: sql`head.type = 'FriendRemoved'`,
  clear: async (tx, streamIds) => void (await tx.execute(sql`delete from friendships where ${streamOfRow} = any(${`{${streamIds.join(',')}}`}::text[])`)),
};
