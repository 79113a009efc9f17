import { sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock';
import { rowsOf, type Db } from '../../platform/db/database';
import type { EventMetadata } from '../../platform/events/envelope';
import { handleCommand } from '../../platform/events/command-handler';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId, type FriendEvent } from './contracts/events';
import { decide, friendshipDecider, type FriendCommand, type FriendshipState } from './friend';
import { projectFriendship } from './friendship-projection';
import type { UserDirectory } from './knowing-users/user-directory';

export interface FriendDeps {
  db: Db;
  clock: Clock;
  users: UserDirectory;
  onCommitted(): void;
}

export async function nextFriendshipId(db: Db): Promise<number> {
  const [row] = rowsOf<{ id: string | number }>(await db.execute(sql`select nextval('friendship_ids') as id`));
  return Number(row!.id);
}

/** Runs one friendship command through the event-sourcing loop, then wakes the relay. */
export async function executeFriendCommand(deps: FriendDeps, command: FriendCommand, metadata: EventMetadata) {
  const result = await handleCommand<FriendshipState, FriendEvent>(deps.db, {
    streamId: friendshipStreamId(command.data.userId, command.data.friendId),
    topic: FRIEND_EVENTS_TOPIC,
    decider: friendshipDecider,
    decide: (state) => decide(command, state),
    metadata,
    occurredAt: deps.clock.now(),
    project: (tx, appended) => projectFriendship(tx, appended),
  });
  if (result.appended.length > 0) deps.onCommitted();
  return result;
}
