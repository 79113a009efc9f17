import type { Subscription } from '../../../platform/events/bus';
import { USER_EVENTS_TOPIC, type UserEventEnvelope } from '../../user/contracts/events';
import type { UserDirectory } from './user-directory';

/** Keeps the local replica of user ids. Inserting an id twice is a no-op, so redelivery is harmless. */
export function userEventsConsumer(directory: UserDirectory): Subscription {
  return {
    group: 'friend',
    topics: [USER_EVENTS_TOPIC],
    async handle(_topic, batch) {
      const created = (batch as readonly UserEventEnvelope[])
        .filter((e) => e.type === 'UserCreated')
        .map((e) => e.data.userId);
      await directory.remember(created);
    },
  };
}
