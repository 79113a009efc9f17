import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { Aggregate } from '../../platform/events/aggregate';
import type { CommandRunner } from '../../platform/events/command-runner';
import type { Db } from '../../platform/db/database';
import { userEventCodec } from './contracts/codec';
import { USER_EVENTS_TOPIC, userStreamId, type UserEvent } from './contracts/events';
import { decide, evolve, initialUserState, type UserCommand, type UserState } from './user';
import { projectUser } from './user-projection';

/** The user aggregate, declared once; the platform's command runner runs it. */
export const userAggregate: Aggregate<UserCommand, UserState, UserEvent> = {
  initialState: initialUserState,
  evolve,
  decide,
  streamId: (command) => userStreamId(command.data.userId),
  topic: USER_EVENTS_TOPIC,
  // A created user's id comes fresh from a sequence, so its stream has no history to load.
  startsStream: (command) => command.type === 'CreateUser',
  project: projectUser,
  codec: userEventCodec,
};

/** Named for the commands_total counter, so each outcome starts at 0. */
export const USER_COMMANDS: readonly UserCommand['type'][] = ['CreateUser', 'UpdateUser', 'EraseUser'];

/** What the user slices need: the database, new user ids (see id-reserve.ts), the aggregate's runner and the command counters. */
export interface UserDeps {
  db: Db;
  nextUserId(): Promise<number>;
  runner: CommandRunner<UserCommand, UserState, UserEvent>;
  commands: CommandMetrics;
}
