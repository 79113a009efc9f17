import { DeadLetterError, type Subscription } from '../../../platform/events/bus';
import { userEventCodec } from '../../user/contracts/codec';
import { USER_EVENTS_TOPIC, type UserErased } from '../../user/contracts/events';
import type { EventEnvelope } from '../../../platform/events/envelope';
import type { UserDirectory } from './user-directory';

export interface UserEventsConsumerDeps {
  directory: UserDirectory;
  /** Ends the erased user's friendships; must be safe to run again for the same event. */
  forget(erased: EventEnvelope<UserErased>): Promise<unknown>;
}

/**
 * Keeps the local replica of user ids, and acts on erasures. Inserting an id twice is a no-op and
 * forgetting is repeatable, so redelivery is harmless; a batch is applied in order, so an erasure
 * always follows the creation it undoes.
 */
export function userEventsConsumer({ directory, forget }: UserEventsConsumerDeps): Subscription {
  return {
    group: 'friend',
    topics: [USER_EVENTS_TOPIC],
    async handle(_topic, batch) {
      let created: number[] = [];
      for (const e of batch) {
        const decoded = userEventCodec.decode(e);
        if (!decoded.ok) {
          // Types this service has no use for pass by; an unreadable version, or a UserCreated
          // without a valid id (the replica's integer column would refuse it on every
          // redelivery), would stall the partition for good: the bus sets it aside.
          if (decoded.fate === 'unknown-version' || (decoded.fate === 'malformed' && e.type === 'UserCreated')) {
            throw new DeadLetterError(`${e.type} ${e.id}: ${decoded.reason}`, e.id);
          }
          continue;
        }
        const event = decoded.event;
        if (event.type === 'UserCreated') created.push(event.data.userId);
        if (event.type !== 'UserErased') continue;
        await directory.remember(created);
        created = [];
        await forget(event);
      }
      await directory.remember(created);
    },
  };
}
