import type { EventMetadata } from '../../../platform/events/envelope';
import type { UserDeps } from '../user-aggregate';

/**
 * Appends `UserErased`; 404 for a user never created, 410 for one already erased (so a second
 * DELETE changes nothing). Returns the stream's new version, for the Consistency-Token.
 */
export async function eraseUser(deps: UserDeps, userId: number, metadata: EventMetadata): Promise<number> {
  const { version } = await deps.commands.run('EraseUser', () => deps.runner.run({ type: 'EraseUser', data: { userId } }, { metadata }));
  // The key's row went with the erasure's transaction: now out of memory, and out of the table's file.
  deps.keys.forget(userId);
  deps.keys.compactSoon();
  return version;
}
