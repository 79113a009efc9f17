import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { classify, type GraphEvent } from '../graph/graph-events';
import { MemoryGraph } from '../graph/memory-graph';
import type { GraphRecommendation, GraphUser } from '../graph/social-graph';
import { erasuresOf, friendshipEventsOf, userEventsOf } from './past-log';

/**
 * Answers as of a past instant, from the log alone: the graph as it would have been is rebuilt,
 * for each query, from only the events the answer depends on, read through the stream-id indexes:
 *
 * - recommendFriends(u): the friendship events of u (its friends then), those of each of its
 *   friends (their friends then), and the user events of the users on the page (their timestamps
 *   then);
 * - mutualFriends(u, v): the friendship events of u and v, and the user events of the page.
 *
 * The friends of friends are all the ranking reads, so a MemoryGraph of that neighbourhood gives
 * the same answer as the whole graph would have: same versions-per-stream rule, same ranking and
 * ties, by the same code. The cost is bounded by the neighbourhood (degree x degree friendship
 * events), not by the log: no rebuild of the whole graph, and so no cache of instants either.
 *
 * Users erased since are left out of every past answer, as they are of the present ones: their
 * erasures, whenever they happened, are applied to the neighbourhood before it is ranked.
 *
 * The log holds no names, so a past answer has none either: the route names it like a present
 * one, with the users' current names (see naming-users/).
 */
export class PastAnswers {
  constructor(private readonly db: Db) {}

  async recommendFriends(userId: number, asOf: Date, limit: number): Promise<GraphRecommendation[]> {
    const graph = new MemoryGraph();
    const own = await friendshipEventsOf(this.db, [userId], asOf);
    await graph.apply(applicable(own));
    const friends = friendsOf(await graph.snapshot(), userId);
    if (friends.length === 0) return [];
    const theirs = await friendshipEventsOf(this.db, friends, asOf);
    await graph.apply(applicable(theirs));
    await this.forgetErased(graph, [userId, ...usersIn(own), ...usersIn(theirs)]);
    // Ranking does not read timestamps: rank, then date only the page.
    const page = await graph.recommendFriends(userId, limit);
    if (page.length === 0) return page;
    await graph.apply(applicable(await userEventsOf(this.db, page.map((r) => r.user.id), asOf)));
    return graph.recommendFriends(userId, limit);
  }

  async mutualFriends(userId: number, friendId: number, asOf: Date, limit: number): Promise<GraphUser[]> {
    if (userId === friendId) return [];
    const graph = new MemoryGraph();
    const pairs = await friendshipEventsOf(this.db, [userId, friendId], asOf);
    await graph.apply(applicable(pairs));
    await this.forgetErased(graph, [userId, friendId, ...usersIn(pairs)]);
    const page = await graph.mutualFriends(userId, friendId, limit);
    if (page.length === 0) return page;
    await graph.apply(applicable(await userEventsOf(this.db, page.map((u) => u.id), asOf)));
    return graph.mutualFriends(userId, friendId, limit);
  }

  private async forgetErased(graph: MemoryGraph, userIds: readonly number[]): Promise<void> {
    const erasures = await erasuresOf(this.db, userIds);
    if (erasures.length > 0) await graph.apply(applicable(erasures));
  }
}

/** Every user a set of friendship events names. */
const usersIn = (events: readonly EventEnvelope[]): number[] =>
  events.flatMap((e) => {
    const { userId, friendId } = e.data as { userId?: unknown; friendId?: unknown };
    return [userId, friendId].filter((id): id is number => typeof id === 'number');
  });

/** The events the graph can use; the others were reported when they were received. */
const applicable = (events: readonly EventEnvelope[]): GraphEvent[] =>
  events.flatMap((e) => {
    const c = classify(e);
    return c.ok ? [c.event] : [];
  });

const friendsOf = ({ friendships }: { friendships: [number, number][] }, userId: number): number[] =>
  friendships.flatMap(([a, b]) => (a === userId ? [b] : b === userId ? [a] : []));
