import type { Db } from '../../platform/db/database';
import type { Aggregate } from '../../platform/events/aggregate';
import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { CommandRunner } from '../../platform/events/command-runner';
import { friendEventCodec } from './contracts/codec';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId, type FriendEvent } from './contracts/events';
import { decide, evolve, initialFriendshipState, type FriendCommand, type FriendshipState } from './friend';
import { projectFriendship } from './friendship-projection';
import type { UserDirectory } from './knowing-users/user-directory';

/** The friendship aggregate, declared once; the platform's command runner runs it. */
export const friendshipAggregate: Aggregate<FriendCommand, FriendshipState, FriendEvent> = {
  initialState: initialFriendshipState,
  evolve,
  decide,
  streamId: (command) => friendshipStreamId(command.data.userId, command.data.friendId),
  topic: FRIEND_EVENTS_TOPIC,
  project: projectFriendship,
  codec: friendEventCodec,
};

/** Named for the commands_total counter, so each outcome starts at 0. */
export const FRIEND_COMMANDS: readonly FriendCommand['type'][] = ['AddFriend', 'RemoveFriend'];

export interface FriendDeps {
  db: Db;
  /** Ids for new friendships (see id-reserve.ts). */
  nextFriendshipId(): Promise<number>;
  users: UserDirectory;
  runner: CommandRunner<FriendCommand, FriendshipState, FriendEvent>;
  commands: CommandMetrics;
}
