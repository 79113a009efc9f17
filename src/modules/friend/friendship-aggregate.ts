import type { Db } from '../../platform/db/database';
import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { CommandRunner } from '../../platform/events/command-runner';
import { declareAggregate, type CommandOf } from '../../platform/events/decider';
import { addFriendDecision } from './adding-friend/decision';
import { friendEventCodec } from './contracts/codec';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId, type FriendEvent } from './contracts/events';
import { initialFriendshipState, refuseSelfFriendship, type FriendshipState } from './friend';
import { projectFriendship } from './friendship-projection';
import type { UserDirectory } from './knowing-users/user-directory';
import { removeFriendDecision } from './removing-friend/decision';

/** Each command the aggregate takes, as its use case decides it (one line per command). */
const decisions = [addFriendDecision, removeFriendDecision];

export type FriendCommand = CommandOf<(typeof decisions)[number]>;

/** The friendship aggregate, declared once from its use cases' decisions, nobody their own friend; the platform's command runner runs it. */
export const friendshipAggregate = declareAggregate({
  initialState: initialFriendshipState,
  decisions,
  rule: refuseSelfFriendship,
  streamId: (command) => friendshipStreamId(command.data.userId, command.data.friendId),
  topic: FRIEND_EVENTS_TOPIC,
  project: projectFriendship,
  codec: friendEventCodec,
});

/** Named for the commands_total counter, so each outcome starts at 0. */
export const FRIEND_COMMANDS = friendshipAggregate.commandTypes;

export interface FriendDeps {
  db: Db;
  /** Ids for new friendships (see id-reserve.ts). */
  nextFriendshipId(): Promise<number>;
  users: UserDirectory;
  runner: CommandRunner<FriendCommand, FriendshipState, FriendEvent>;
  commands: CommandMetrics;
}
