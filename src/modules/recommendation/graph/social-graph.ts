import type { GraphEvent } from './graph-events';

export type { GraphEvent } from './graph-events';

/**
 * A user as the graph knows it: no names (the user service holds those; see naming-users/), but
 * the version of the user's stream it applied, by which a cached name is known to be current.
 */
export interface GraphUser {
  id: number;
  /** Highest applied version of stream `user-{id}`; 0 while only friendship events named the user. */
  version: number;
  /** Null until the user's UserCreated has arrived, and again once erased. */
  createdAt: string | null;
  /** Time of the latest user event applied; null as createdAt. */
  lastModified: string | null;
}

export interface GraphRecommendation {
  user: GraphUser;
  /** Number of mutual friends. */
  weight: number;
}

/**
 * The graph port: the in-memory adapter serves the embedded mode, a Neo4j adapter the distributed
 * one; both must pass the same conformance suite (test/conformance/social-graph.ts). Async so that a networked adapter fits.
 *
 * Semantics every adapter keeps (order-tolerant and idempotent):
 * - An event changes state only if its streamVersion is above the highest version already applied
 *   to its stream. Each event carries the full resulting state of its stream (a user's
 *   last change; whether a pair are friends), so the graph is a function of the latest event per stream
 *   and any delivery order, with any redelivery, gives the same graph.
 * - The one fact that is not in the latest event, a user's createdAt, is taken from UserCreated
 *   whenever it arrives, even after a later version of that stream.
 * - A friendship event makes both users known, even before their UserCreated: their
 *   timestamps stay null (and version 0) until a user event arrives.
 */
export interface SocialGraph {
  apply(events: readonly GraphEvent[]): Promise<void>;
  /** Friends of both users, by id ascending; empty when userId === friendId or either is unknown. */
  mutualFriends(userId: number, friendId: number, limit: number): Promise<GraphUser[]>;
  /**
   * Friends of friends that are neither the user nor already friends, weighted by the number of
   * mutual friends; heaviest first, ties by id ascending.
   */
  recommendFriends(userId: number, limit: number): Promise<GraphRecommendation[]>;
  /** Forgets everything, including stream versions (before a rebuild from the log). */
  clear(): Promise<void>;
  /** Canonical dump of all state: equal graphs give deep-equal (and JSON-equal) snapshots. */
  snapshot(): Promise<GraphSnapshot>;
  stats(): Promise<GraphStats>;
  /**
   * The highest applied version of each stream asked about (`user-{id}`, `friendship-{a}-{b}`), in
   * order; 0 for a stream not seen or of another kind. Read-your-writes asks it (a cheap, indexed
   * look-up), so that any instance on a shared graph sees what another instance applied.
   */
  streamVersions(streamIds: readonly string[]): Promise<number[]>;
  /** Whether a graph held by a server answers now (readiness); an in-process graph has none. */
  ping?(): Promise<boolean>;
}

/**
 * A graph that outlives the process (Neo4j): it keeps a log position such that every row up to it
 * is applied, or belongs to a batch not yet acknowledged (which the bus delivers again). Start-up
 * then replays only the rows after it instead of clearing and replaying the whole log; replaying
 * more than needed is harmless, since applying is idempotent.
 */
export interface DurableGraph extends SocialGraph {
  /** 0 for a new or cleared graph. */
  checkpoint(): Promise<number>;
  /** Raises the checkpoint; never lowers it. */
  saveCheckpoint(position: number): Promise<void>;
}

export const isDurable = (graph: SocialGraph): graph is DurableGraph => 'checkpoint' in graph && 'saveCheckpoint' in graph;

export interface GraphSnapshot {
  /** By id ascending. */
  users: GraphUser[];
  /** Each pair once as [smaller id, larger id], sorted. */
  friendships: [number, number][];
  /** [streamId, highest applied version], by stream id. */
  streams: [string, number][];
}

export interface GraphStats {
  users: number;
  friendships: number;
}
