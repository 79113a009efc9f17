import type { EventMetadata } from '../../../platform/events/envelope';
import type { User } from '../contracts/http';
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
    const command: CreateUser = { type: 'CreateUser', data: { userId, firstName: input.firstName, lastName: input.lastName } };
    const { appended, version } = await deps.runner.run(command, { metadata });
    const at = appended[0]!.occurredAt;
    return { user: { id: userId, firstName: input.firstName, lastName: input.lastName, createdAt: at, lastModified: at }, version };
  });
}
