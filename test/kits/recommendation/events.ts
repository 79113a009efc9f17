import { friendshipStreamId, type FriendEventEnvelope } from '../../../src/modules/friend/contracts/events';
import { userStreamId, type UserEventEnvelope } from '../../../src/modules/user/contracts/events';
import { envelopeOf } from '../envelopes';

/**
 * Builds the envelopes the user and friend services would publish, numbering each stream's
 * versions and advancing time by a second per event, as a test's "given" history.
 */
export function eventFactory(start = Date.parse('2025-01-01T00:00:00.000Z')) {
  const versions = new Map<string, number>();
  let tick = 0;
  let friendshipIds = 0;
  /** The current friendship id of each pair: a removal names the friendship it ends. */
  const friendships = new Map<string, number>();
  // As published, names included: the graph is given what the bus delivers and must drop them.
  const envelope = <E extends UserEventEnvelope | FriendEventEnvelope>(type: E['type'], streamId: string, data: E['data']): E => {
    const streamVersion = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    return envelopeOf<E>({ type, streamId, streamVersion, occurredAt: new Date(start + 1000 * tick++).toISOString(), data });
  };
  const pair = (userId: number, friendId: number, added: boolean) => {
    const key = friendshipStreamId(userId, friendId);
    if (added) friendships.set(key, ++friendshipIds);
    return { friendshipId: friendships.get(key) ?? ++friendshipIds, userId, friendId };
  };
  // Version 1, names in the clear, as an earlier release published them and a topic may still
  // hold them: the hardest case for a consumer that must keep no names (envelopeOf stamps version 1).
  const plainNames = (userId: number, firstName: string, lastName: string) => ({ userId, firstName, lastName }) as unknown as UserEventEnvelope['data'];
  return {
    userCreated: (userId: number, firstName = `First${userId}`, lastName = `Last${userId}`) =>
      envelope('UserCreated', userStreamId(userId), plainNames(userId, firstName, lastName)),
    userUpdated: (userId: number, firstName: string, lastName: string) =>
      envelope('UserUpdated', userStreamId(userId), plainNames(userId, firstName, lastName)),
    userErased: (userId: number) => envelope('UserErased', userStreamId(userId), { userId }),
    friendAdded: (userId: number, friendId: number) => envelope('FriendAdded', friendshipStreamId(userId, friendId), pair(userId, friendId, true)),
    friendRemoved: (userId: number, friendId: number) => envelope('FriendRemoved', friendshipStreamId(userId, friendId), pair(userId, friendId, false)),
  };
}

/** Deterministic pseudo-random numbers in [0, 1), so a failing shuffle can be replayed. */
export { mulberry32 as seededRandom } from '../random';

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
