import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { users } from '../schema';
import { isId } from '../../../platform/ids';

const USER_STREAM = /^user-(\d{1,10})$/;

/** The streams the user read model is built from (see contracts/events.ts: userStreamId). */
export const isUserStream = (streamId: string) => USER_STREAM.test(streamId);

/** The user id a `user-{id}` stream is about; 0 for any other stream id. */
export const userIdOfStream = (streamId: string) => Number(USER_STREAM.exec(streamId)?.[1] ?? 0);

/** The read model's version of each `user-{id}` stream asked about; 0 for a user never created. */
export async function userVersions(db: Queryable, streamIds: readonly string[]): Promise<number[]> {
  const ids = streamIds.map(userIdOfStream).filter(isId);
  const rows = ids.length ? await db.select({ id: users.id, version: users.version }).from(users).where(inArray(users.id, ids)) : [];
  const byId = new Map(rows.map((r) => [r.id, r.version]));
  return streamIds.map((s) => byId.get(userIdOfStream(s)) ?? 0);
}
