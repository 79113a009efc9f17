import type { EventMetadata } from '../../../platform/events/envelope';
import type { User } from '../contracts/http';
import { sealNames } from '../personal-data/sealed-names';
import type { UserDeps } from '../user-aggregate';
import type { CreateUser } from './decision';

export async function createUser(
  deps: UserDeps,
  input: { firstName: string; lastName: string },
  metadata: EventMetadata,
): Promise<{ user: User; version: number }> {
  return deps.commands.run('CreateUser', async () => {
    const userId = await deps.nextUserId();
    // Named, not spread: the body may carry fields the event must not.
    const names = { firstName: input.firstName, lastName: input.lastName };
    // The new user's own key seals the names before they reach any event (see personal-data/); it
    // is stored in the command's transaction (userStream.storeAlongside), so it exists exactly when the user does.
    const { key, wrapped } = deps.keys.prepare(userId);
    const command: CreateUser = { type: 'CreateUser', data: { userId, names: sealNames(key, userId, names) }, newKey: wrapped };
    const { appended, version } = await deps.runner.run(command, { metadata });
    deps.keys.remember(userId, key);
    const at = appended[0]!.occurredAt;
    return { user: { id: userId, ...names, createdAt: at, lastModified: at }, version };
  });
}
