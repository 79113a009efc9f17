import { friendshipStreamId } from '../../friend/contracts/events';
import type { GraphEvent } from './graph-events';

/** The latest state of one user stream in a batch. */
export interface UserRow {
  id: number;
  version: number;
  /** Null once erased: an erased user keeps nothing but the id and version. */
  lastModified: string | null;
  erased: boolean;
  /** From the batch's first UserCreated, whatever its version; null when the batch has none. */
  createdAt: string | null;
}

/** The latest state of one friendship stream in a batch. */
export interface PairRow {
  stream: string;
  low: number;
  high: number;
  version: number;
  linked: boolean;
}

// Timestamps arrive as ISO strings from the bus and as Dates read back from the log; one form
// keeps a live graph and a rebuilt one identical (as in MemoryGraph).
const iso = (at: string) => new Date(at).toISOString();

/**
 * Folds a batch into one row per stream, the row MemoryGraph would end with after applying the
 * events one by one: the first event with the highest version wins (a later event with an equal
 * version would be ignored there), and createdAt comes from the first UserCreated seen.
 *
 * Why fold: Cypher evaluates each clause for every UNWIND row before the next clause sees its
 * writes, so two rows of one stream in one statement could both pass the version check and the
 * last row, not the newest event, would win. One row per stream makes the rows independent.
 * Rows are sorted by id so that concurrent writers lock nodes in the same order (fewer deadlocks).
 */
export function foldBatch(events: readonly GraphEvent[]): { users: UserRow[]; pairs: PairRow[] } {
  const users = new Map<number, UserRow>();
  const pairs = new Map<string, PairRow>();
  for (const event of events) {
    switch (event.type) {
      case 'UserCreated':
      case 'UserUpdated': {
        const { userId: id } = event.data;
        const createdAt = event.type === 'UserCreated' ? iso(event.occurredAt) : null;
        const seen = users.get(id);
        if (!seen) {
          users.set(id, { id, version: event.streamVersion, lastModified: iso(event.occurredAt), createdAt, erased: false });
          break;
        }
        if (event.streamVersion > seen.version) {
          Object.assign(seen, { version: event.streamVersion, lastModified: iso(event.occurredAt) });
        }
        seen.createdAt ??= createdAt;
        break;
      }
      case 'UserErased': {
        const id = event.data.userId;
        const seen = users.get(id);
        const erased = { id, version: event.streamVersion, lastModified: null, createdAt: null, erased: true };
        if (!seen || event.streamVersion > seen.version) users.set(id, erased);
        break;
      }
      case 'FriendAdded':
      case 'FriendRemoved': {
        const { userId, friendId } = event.data;
        const [low, high] = userId < friendId ? [userId, friendId] : [friendId, userId];
        const stream = friendshipStreamId(low, high);
        const seen = pairs.get(stream);
        if (!seen || event.streamVersion > seen.version) {
          pairs.set(stream, { stream, low, high, version: event.streamVersion, linked: event.type === 'FriendAdded' });
        }
        break;
      }
      default: {
        const never: never = event;
        return never;
      }
    }
  }
  return {
    users: [...users.values()].sort((x, y) => x.id - y.id),
    pairs: [...pairs.values()].sort((x, y) => x.low - y.low || x.high - y.high),
  };
}
