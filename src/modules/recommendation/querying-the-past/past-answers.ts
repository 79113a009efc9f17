import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import type { FriendRecommendation, RecommendationUser } from '../contracts/http';
import { classify, type GraphEvent } from '../graph/graph-events';
import { MemoryGraph } from '../graph/memory-graph';
import { friendshipEventsOf, userEventsOf } from './past-log';

/**
 * Answers as of a past instant, from the log alone: the graph as it would have been is rebuilt,
 * for each query, from only the events the answer depends on, read through the stream-id indexes:
 *
 * - recommendFriends(u): the friendship events of u (its friends then), those of each of its
 *   friends (their friends then), and the user events of the users on the page (their names then);
 * - mutualFriends(u, v): the friendship events of u and v, and the user events of the page.
 *
 * The friends of friends are all the ranking reads, so a MemoryGraph of that neighbourhood gives
 * the same answer as the whole graph would have: same versions-per-stream rule, same ranking and
 * ties, by the same code. The cost is bounded by the neighbourhood (degree x degree friendship
 * events), not by the log: no rebuild of the whole graph, and so no cache of instants either.
 */
export class PastAnswers {
  constructor(private readonly db: Db) {}

  async recommendFriends(userId: number, asOf: Date, limit: number): Promise<FriendRecommendation[]> {
    const graph = new MemoryGraph();
    const own = await friendshipEventsOf(this.db, [userId], asOf);
    await graph.apply(applicable(own));
    const friends = friendsOf(await graph.snapshot(), userId);
    if (friends.length === 0) return [];
    await graph.apply(applicable(await friendshipEventsOf(this.db, friends, asOf)));
    // Ranking does not read names: rank, then name only the page.
    const page = await graph.recommendFriends(userId, limit);
    if (page.length === 0) return page;
    await graph.apply(applicable(await userEventsOf(this.db, page.map((r) => r.user.id), asOf)));
    return graph.recommendFriends(userId, limit);
  }

  async mutualFriends(userId: number, friendId: number, asOf: Date, limit: number): Promise<RecommendationUser[]> {
    if (userId === friendId) return [];
    const graph = new MemoryGraph();
    await graph.apply(applicable(await friendshipEventsOf(this.db, [userId, friendId], asOf)));
    const page = await graph.mutualFriends(userId, friendId, limit);
    if (page.length === 0) return page;
    await graph.apply(applicable(await userEventsOf(this.db, page.map((u) => u.id), asOf)));
    return graph.mutualFriends(userId, friendId, limit);
  }
}

/** The events the graph can use; the others were reported when they were received. */
const applicable = (events: readonly EventEnvelope[]): GraphEvent[] =>
  events.flatMap((e) => {
    const c = classify(e);
    return c.ok ? [c.event] : [];
  });

const friendsOf = ({ friendships }: { friendships: [number, number][] }, userId: number): number[] =>
  friendships.flatMap(([a, b]) => (a === userId ? [b] : b === userId ? [a] : []));
