import { invalid } from '../../platform/errors';

/**
 * The friendship aggregate, one per unordered pair of users: its state and the rule every command
 * about the pair obeys. Each command's decision lives in its use case's folder (`decision.ts`) and
 * module.ts lists them. Friendship ids come in with the command, so deciding
 * stays pure.
 */
export type FriendshipState =
  | { status: 'none' }
  | { status: 'active'; friendshipId: number; userId: number; friendId: number };

export const initialFriendshipState: FriendshipState = { status: 'none' };

/** What every friend command names: the user acting and the other one. */
export interface PairCommand {
  type: string;
  data: { userId: number; friendId: number };
}

/** Nobody is their own friend, whatever the command: refused (400) before it is decided. */
export function refuseSelfFriendship({ data: { userId, friendId } }: PairCommand): void {
  if (userId === friendId) throw invalid(`user ${userId} cannot be their own friend`);
}
