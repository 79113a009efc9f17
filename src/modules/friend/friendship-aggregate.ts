import type { Db } from '../../platform/db/database';
import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { CommandRunner } from '../../platform/events/command-runner';
import { friendEventCodec } from './contracts/codec';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId, type FriendEvent } from './contracts/events';
import { initialFriendshipState, refuseSelfFriendship, type FriendshipState, type PairCommand } from './friend';
import type { UserDirectory } from './knowing-users/user-directory';

/**
 * Where the friendship aggregate lives and what holds for all its commands. Its commands are its
 * use cases' decisions, listed once in module.ts, which declares the aggregate from both.
 */
export const friendshipStream = {
  initialState: initialFriendshipState,
  /** Nobody is their own friend, whatever the command. */
  rule: refuseSelfFriendship,
  streamId: (command: PairCommand) => friendshipStreamId(command.data.userId, command.data.friendId),
  topic: FRIEND_EVENTS_TOPIC,
  codec: friendEventCodec,
};

/** What the friend use cases need: the database, new friendship ids (see id-reserve.ts), the aggregate's runner and the command counters. */
export interface FriendDeps {
  db: Db;
  /** Ids for new friendships (see id-reserve.ts). */
  nextFriendshipId(): Promise<number>;
  users: UserDirectory;
  runner: CommandRunner<PairCommand, FriendshipState, FriendEvent>;
  commands: CommandMetrics;
}
