import { isId } from '../../../platform/ids';
const USER = /^user-(\d{1,10})$/;
const FRIENDSHIP = /^friendship-(\d{1,10})-(\d{1,10})$/;

/**
 * The user ids a stream id names: `[id]` for `user-{id}`, `[low, high]` for
 * `friendship-{low}-{high}` (see the user and friend contracts), undefined for any other stream.
 */
export function parseStreamId(streamId: string): number[] | undefined {
  const match = USER.exec(streamId) ?? FRIENDSHIP.exec(streamId);
  if (!match) return undefined;
  const ids = match.slice(1).map(Number);
  return ids.every(isId) ? ids : undefined;
}

export const isGraphStream = (streamId: string) => parseStreamId(streamId) !== undefined;
