import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { EventMetadata } from '../../platform/events/envelope';
import { handleCommand } from '../../platform/events/command-handler';
import { friendEventCodec } from './contracts/codec';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId, type FriendEvent } from './contracts/events';
import { decide, friendshipDecider, type FriendCommand, type FriendshipState } from './friend';
import { projectFriendship } from './friendship-projection';
import type { UserDirectory } from './knowing-users/user-directory';

export interface FriendDeps {
  db: Db;
  /** Ids for new friendships (see id-reserve.ts). */
  nextFriendshipId(): Promise<number>;
  clock: Clock;
  users: UserDirectory;
  onCommitted(): void;
  commands: CommandMetrics;
}

/** Named for the commands_total counter, so each outcome starts at 0. */
export const FRIEND_COMMANDS: readonly FriendCommand['type'][] = ['AddFriend', 'RemoveFriend'];

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
    metrics: deps.commands,
    codec: friendEventCodec,
    command: command.type,
  });
  if (result.appended.length > 0) deps.onCommitted();
  return result;
}
