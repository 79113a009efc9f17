import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { CommandRunner } from '../../platform/events/command-runner';
import type { Db } from '../../platform/db/database';
import { userEventCodec } from './contracts/codec';
import { storeNewKeys, type KeyStore } from './personal-data/key-store';
import type { Queryable } from '../../platform/db/database';
import type { CreateUser } from './creating-user/decision';
import { USER_EVENTS_TOPIC, userStreamId, type UserEvent } from './contracts/events';
import { initialUserState, refuseErasedUser, type UserCommand, type UserState } from './user';

/**
 * Where the user aggregate lives and what holds for all its commands. Its commands are its use
 * cases' decisions, listed once in module.ts, which declares the aggregate from both.
 */
export const userStream = {
  initialState: initialUserState,
  /** None is taken for an erased user. */
  rule: refuseErasedUser,
  streamId: (command: UserCommand) => userStreamId(command.data.userId),
  topic: USER_EVENTS_TOPIC,
  // A created user's id comes fresh from a sequence, so its stream has no history to load.
  startsStream: (command: UserCommand) => command.type === 'CreateUser',
  codec: userEventCodec,
  /** New users' data keys, with the events sealed under them (see creating-user/). */
  storeAlongside: (tx: Queryable, commands: readonly UserCommand[]) => storeNewKeys(tx, commands.flatMap((c) => ((c as CreateUser).newKey ? [(c as CreateUser).newKey!] : []))),
};

/** What the user slices need: the database, new user ids (see id-reserve.ts), the aggregate's runner and the command counters. */
export interface UserDeps {
  db: Db;
  nextUserId(): Promise<number>;
  runner: CommandRunner<UserCommand, UserState, UserEvent>;
  /** Each user's data key, which seals the names in events and the read model (personal-data/). */
  keys: KeyStore;
  commands: CommandMetrics;
}
