import { t } from 'elysia';
import type { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { Id } from '../../platform/http/paging';
import type { FriendDeps } from './friendship-aggregate';

/** What module.ts hands every use case's route: the command dependencies and read-your-writes. */
export interface FriendRouteDeps {
  deps: FriendDeps;
  /** Holds a read that carries a Consistency-Token until the friendships it names are reached. */
  gate: ConsistencyGate;
  /** The Consistency-Token a command answers with: the pair's friendship stream at `version`. */
  tokenOf(userId: number, friendId: number, version: number): string;
}

/** The acting user in the path and the other one in the query, as both pair commands take them. */
export const PairParams = { params: t.Object({ userId: Id('userId', 'the user acting') }), query: t.Object({ friendId: Id('friendId', 'the other user', 7) }) };
