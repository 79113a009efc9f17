import { t } from 'elysia';
import type { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { UserId, type User } from './contracts/http';
import type { NameIndex } from './searching-users/name-index';
import type { UserDeps } from './user-aggregate';

/** What module.ts hands every use case's route: the command dependencies, read-your-writes and the name index. */
export interface UserRouteDeps {
  deps: UserDeps;
  /** Holds a read of a user that carries a Consistency-Token until the users it names are reached. */
  gate: ConsistencyGate;
  /** The Consistency-Token a command answers with: the user's stream at `version`. */
  tokenOf(userId: number, version: number): string;
  /** The in-memory name index searches answer from, and the gate that holds a search until the index caught up. */
  names: NameIndex;
  searchGate: ConsistencyGate;
}

/** A command's result goes into the name index at once, so this instance's own tokens never wait for a search. */
export function indexResult({ names, searchGate }: UserRouteDeps, user: User, version: number): void {
  names.put(user, version);
  searchGate.notify();
}

/** An erasure leaves a tombstone holding its version in the name index (see name-index.ts). */
export function indexErasure({ names, searchGate }: UserRouteDeps, userId: number, version: number): void {
  names.erase(userId, version);
  searchGate.notify();
}

export const IdParams = t.Object({ id: UserId });

/**
 * The app reads every body as strict JSON and refuses other content types with 415 (see
 * platform/http/json-body.ts). Declared on each route too, so that the OpenAPI document lists only
 * `application/json` as the accepted body type.
 */
export const JSON_BODY = 'json' as const;
