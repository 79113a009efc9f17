import type { EventMetadata } from '../../../platform/events/envelope';
import { gone, invalid } from '../../../platform/errors';
import type { User } from '../contracts/http';
import { getUser, liveUserRow } from '../getting-user/get-user';
import { sealNames } from '../personal-data/sealed-names';
import type { UserDeps } from '../user-aggregate';
import { toUser } from '../user-rows';
import type { UpdateUser } from './decision';

/**
 * `If-Match` carries the version from the ETag the client last saw: `"3"`, `W/"3"`, `3` or `*`.
 * Returns undefined when there is no precondition.
 */
export function parseIfMatch(header: string | null | undefined): number | undefined {
  if (!header || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw invalid(`If-Match must be an ETag returned by this API, such as "3", got ${header}`);
  return Number(match[1]);
}

export async function updateUser(
  deps: UserDeps,
  userId: number,
  input: { id?: number; firstName: string; lastName: string },
  ifMatch: string | null,
  metadata: EventMetadata,
): Promise<{ user: User; version: number }> {
  const answer = await deps.commands.run('UpdateUser', async () => {
    if (input.id !== undefined && input.id !== userId) {
      throw invalid(`body id ${input.id} does not match path id ${userId}`);
    }
    const expectedVersion = parseIfMatch(ifMatch);
    // 404 or 410 before a key is looked up or made: no key for a user id that does not exist.
    const row = await liveUserRow(deps.db, userId);
    const key = await deps.keys.ensure(userId);
    if (!key) throw gone(`user ${userId} was erased`);
    const names = { firstName: input.firstName, lastName: input.lastName };
    const command: UpdateUser = { type: 'UpdateUser', data: { userId, names, sealed: sealNames(key, userId, names) } };
    const { appended, version } = await deps.runner.run(command, { metadata, expectedVersion });
    // The answer is the state this command left, built from the row read above (createdAt never
    // changes): renamed now, or unchanged (the same names, by digest) and still at the version read.
    const renamed = appended[0];
    if (renamed) return { user: { ...toUser(row, names), lastModified: renamed.occurredAt }, version };
    if (version === row.version) return { user: toUser(row, names), version };
    return undefined;
  });
  // Unchanged, but another command wrote between the read and this one: the row as it is now.
  return answer ?? getUser(deps.db, deps.keys, userId);
}
