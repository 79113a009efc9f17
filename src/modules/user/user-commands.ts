import type { Db } from '../../platform/db/database';
import type { Clock } from '../../platform/clock';
import type { CommandMetrics } from '../../platform/events/command-metrics';
import type { EventMetadata } from '../../platform/events/envelope';
import { handleCommand } from '../../platform/events/command-handler';
import { USER_EVENTS_TOPIC, userStreamId, type UserEvent, type UserEventEnvelope } from './contracts/events';
import { decide, userDecider, type UserCommand } from './user';
import { userEventCodec } from './contracts/codec';
import { projectUser } from './user-projection';

/** What the user slices need: the database, new user ids (see id-reserve.ts), a clock, and a way to nudge the outbox relay. */
export interface UserDeps {
  db: Db;
  nextUserId(): Promise<number>;
  clock: Clock;
  onCommitted(): void;
  commands: CommandMetrics;
}

/** Named for the commands_total counter, so each outcome starts at 0. */
export const USER_COMMANDS: readonly UserCommand['type'][] = ['CreateUser', 'UpdateUser', 'EraseUser'];

/** Runs one user command through the event-sourcing loop, then wakes the relay. */
export async function executeUserCommand(
  deps: UserDeps,
  command: UserCommand,
  metadata: EventMetadata,
  expectedVersion?: number,
) {
  const result = await handleCommand<ReturnType<typeof userDecider.evolve>, UserEvent>(deps.db, {
    streamId: userStreamId(command.data.userId),
    topic: USER_EVENTS_TOPIC,
    decider: userDecider,
    decide: (state) => decide(command, state),
    expectedVersion,
    // A created user's id comes fresh from a sequence, so its stream has no history to load.
    streamIsNew: command.type === 'CreateUser',
    metadata,
    occurredAt: deps.clock.now(),
    project: (tx, appended) => projectUser(tx, appended as UserEventEnvelope[]),
    metrics: deps.commands,
    codec: userEventCodec,
    command: command.type,
  });
  if (result.appended.length > 0) deps.onCommitted();
  return result;
}
