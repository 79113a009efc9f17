import { isId } from '../../../platform/ids';
import { EventCodec, type EventContract } from '../../../platform/events/event-codec';
import { userStreamId, type UserEvent } from './events';


/** The user of the event must be the user of its stream: "latest version per stream wins" relies on it. */
function userProblem(data: Record<string, unknown>, streamId: string): string | undefined {
  if (!isId(data.userId)) return 'no valid userId';
  return streamId === userStreamId(data.userId) ? undefined : 'streamId does not match userId';
}

function namedUserProblem(data: Record<string, unknown>, streamId: string): string | undefined {
  if (typeof data.firstName !== 'string' || typeof data.lastName !== 'string') return 'names missing';
  return userProblem(data, streamId);
}

/**
 * Every version of every user event, and how to read an old one as the current one. To change an
 * event's shape: raise `current`, add `upcasters[old]` turning the old data into the new, and keep
 * the old step forever (stored events are never rewritten for it). See "Changing events" in the README.
 */
export const userEventContract: EventContract<UserEvent> = {
  UserCreated: { current: 1, problem: namedUserProblem },
  UserUpdated: { current: 1, problem: namedUserProblem },
  UserErased: { current: 1, problem: userProblem },
};

export const userEventCodec = new EventCodec<UserEvent>(userEventContract);
