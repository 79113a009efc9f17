import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { CommandRunner } from '../../platform/events/command-runner';
import { declareAggregate, type CommandOf } from '../../platform/events/decider';
import type { Db } from '../../platform/db/database';
import { userEventCodec } from './contracts/codec';
import { USER_EVENTS_TOPIC, userStreamId, type UserEvent } from './contracts/events';
import { createUserDecision } from './creating-user/decision';
import { eraseUserDecision } from './erasing-user/decision';
import { updateUserDecision } from './updating-user/decision';
import { initialUserState, refuseErasedUser, type UserState } from './user';
import { projectUser } from './user-projection';

/** Each command the aggregate takes, as its use case decides it (one line per command). */
const decisions = [createUserDecision, updateUserDecision, eraseUserDecision];

export type UserCommand = CommandOf<(typeof decisions)[number]>;

/** The user aggregate, declared once from its use cases' decisions, none taken for an erased user; the platform's command runner runs it. */
export const userAggregate = declareAggregate({
  initialState: initialUserState,
  decisions,
  rule: refuseErasedUser,
  streamId: (command) => userStreamId(command.data.userId),
  topic: USER_EVENTS_TOPIC,
  // A created user's id comes fresh from a sequence, so its stream has no history to load.
  startsStream: (command) => command.type === 'CreateUser',
  project: projectUser,
  codec: userEventCodec,
});

/** Named for the commands_total counter, so each outcome starts at 0. */
export const USER_COMMANDS = userAggregate.commandTypes;

/** What the user slices need: the database, new user ids (see id-reserve.ts), the aggregate's runner and the command counters. */
export interface UserDeps {
  db: Db;
  nextUserId(): Promise<number>;
  runner: CommandRunner<UserCommand, UserState, UserEvent>;
  commands: CommandMetrics;
}
