import { isId } from '../../../platform/ids';
import { EventCodec, type EventContract } from '../../../platform/events/event-codec';
import { userStreamId, type UserEvent } from './events';

/** The user of the event must be the user of its stream: "latest version per stream wins" relies on it. */
function userProblem(data: Record<string, unknown>, streamId: string): string | undefined {
  if (!isId(data.userId)) return 'no valid userId';
  return streamId === userStreamId(data.userId) ? undefined : 'streamId does not match userId';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;

/**
 * Sealed names, or plaintext ones that only an upcast version-1 event may carry: a version-2 event
 * stored with names in the clear was written by a bug, and no reader takes it.
 */
function namesProblem(names: unknown, storedVersion: number): string | undefined {
  if (!isRecord(names)) return 'names missing';
  if ('sealed' in names) return isNonEmptyString(names.sealed) && isNonEmptyString(names.digest) ? undefined : 'sealed names malformed';
  if (storedVersion >= 2) return 'names in the clear in an event stored as version 2 or later: only version 1 carried them';
  const plain = names.plain;
  return isRecord(plain) && typeof plain.firstName === 'string' && typeof plain.lastName === 'string' ? undefined : 'names malformed';
}

const namedUserProblem = (data: Record<string, unknown>, streamId: string, storedVersion: number) => namesProblem(data.names, storedVersion) ?? userProblem(data, streamId);

/**
 * Version 1 of UserCreated and UserUpdated carried the names in the clear. Read as version 2, they
 * keep them as `names.plain` (a pure step: sealing needs the user's key, which only the user service
 * has; `encrypt-history` does that rewrite). A copy without names (a consumer's log that dropped
 * them) stays without.
 */
export function upcastPlainNames(data: unknown): unknown {
  if (!isRecord(data)) return data;
  const { firstName, lastName, ...rest } = data;
  if (typeof firstName !== 'string' || typeof lastName !== 'string') return rest;
  return { ...rest, names: { plain: { firstName, lastName } } };
}

/**
 * Every version of every user event, and how to read an old one as the current one. To change an
 * event's shape: raise `current`, add `upcasters[old]` turning the old data into the new, and keep
 * the old step forever (stored events are never rewritten for it). See "Changing events" in the README.
 */
export const userEventContract: EventContract<UserEvent> = {
  UserCreated: { current: 2, upcasters: { 1: upcastPlainNames }, problem: namedUserProblem },
  UserUpdated: { current: 2, upcasters: { 1: upcastPlainNames }, problem: namedUserProblem },
  UserErased: { current: 1, problem: userProblem },
};

export const userEventCodec = new EventCodec<UserEvent>(userEventContract);
