import { friendshipStreamId } from '../../friend/contracts/events';
import { userStreamId } from '../../user/contracts/events';
import type { FriendRecommendation, RecommendationUser } from '../contracts/http';
import { Adjacency } from './adjacency';
import type { GraphEvent } from './graph-events';
import { Ranking } from './ranking';
import type { GraphSnapshot, GraphStats, SocialGraph } from './social-graph';

interface Node {
  readonly id: number;
  /** Dense index into the adjacency and the ranking's typed arrays. */
  readonly slot: number;
  /** Replaced, never mutated: callers receive this object as is. */
  profile: RecommendationUser;
  /** Highest applied version of stream `user-{id}`; 0 when none. */
  userVersion: number;
  /**
   * State of each stream `friendship-{id}-{other}`, kept on the pair's smaller id: +version when
   * the last applied event linked the pair, -version when it unlinked them. This is the per-stream
   * version map, keyed by numbers: millions of stream-id strings would cost hundreds of MB.
   */
  pairs: Map<number, number> | undefined;
}

const unknownProfile = (id: number): RecommendationUser => ({ id, firstName: null, lastName: null, createdAt: null, lastModified: null });
// Timestamps arrive as ISO strings from the bus and as Dates read back from the log; one form
// keeps a live graph and a rebuilt one identical.
const iso = (at: string) => new Date(at).toISOString();

/** The embedded adapter of the graph port; the semantics are documented in social-graph.ts. */
export class MemoryGraph implements SocialGraph {
  private nodes = new Map<number, Node>();
  private bySlot: Node[] = [];
  private adjacency = new Adjacency();
  private ranking = new Ranking(this.adjacency);

  async apply(events: readonly GraphEvent[]): Promise<void> {
    for (const event of events) this.applyOne(event);
  }

  async mutualFriends(userId: number, friendId: number, limit: number): Promise<RecommendationUser[]> {
    const a = this.nodes.get(userId);
    const b = this.nodes.get(friendId);
    if (!a || !b || a === b) return [];
    return this.ranking.mutual(a.slot, b.slot, limit).map((id) => this.nodes.get(id)!.profile);
  }

  async recommendFriends(userId: number, limit: number): Promise<FriendRecommendation[]> {
    const me = this.nodes.get(userId);
    if (!me) return [];
    return this.ranking.recommend(me.slot, limit).map(([id, weight]) => ({ user: this.nodes.get(id)!.profile, weight }));
  }

  async clear(): Promise<void> {
    this.nodes = new Map();
    this.bySlot = [];
    this.adjacency = new Adjacency();
    this.ranking = new Ranking(this.adjacency);
  }

  async snapshot(): Promise<GraphSnapshot> {
    const byId = [...this.nodes.values()].sort((x, y) => x.id - y.id);
    const friendships: [number, number][] = [];
    const streams: [string, number][] = [];
    for (const node of byId) {
      const larger = Array.from(this.adjacency.friendsOf(node.slot), (slot) => this.bySlot[slot]!.id).filter((id) => id > node.id);
      for (const id of larger.sort((x, y) => x - y)) friendships.push([node.id, id]);
      if (node.userVersion > 0) streams.push([userStreamId(node.id), node.userVersion]);
      for (const [other, state] of node.pairs ?? []) streams.push([friendshipStreamId(node.id, other), Math.abs(state)]);
    }
    streams.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return { users: byId.map((n) => ({ ...n.profile })), friendships, streams };
  }

  async stats(): Promise<GraphStats> {
    return { users: this.nodes.size, friendships: this.adjacency.friendships };
  }

  private applyOne(event: GraphEvent): void {
    switch (event.type) {
      case 'UserCreated':
      case 'UserUpdated': {
        const node = this.node(event.data.userId);
        if (event.streamVersion > node.userVersion) {
          node.userVersion = event.streamVersion;
          const { firstName, lastName } = event.data;
          node.profile = { ...node.profile, firstName, lastName, lastModified: iso(event.occurredAt) };
        }
        // createdAt is the one fact later events do not repeat: take it even from a late UserCreated.
        if (event.type === 'UserCreated' && node.profile.createdAt === null) {
          node.profile = { ...node.profile, createdAt: iso(event.occurredAt) };
        }
        return;
      }
      case 'FriendAdded':
      case 'FriendRemoved':
        return this.setPair(event.data.userId, event.data.friendId, event.streamVersion, event.type === 'FriendAdded');
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  /** Applies the state of one friendship stream if `version` is newer than the one applied. */
  private setPair(userId: number, friendId: number, version: number, linked: boolean): void {
    const a = this.node(userId);
    const b = this.node(friendId);
    const [low, high] = a.id < b.id ? [a, b] : [b, a];
    const pairs = (low.pairs ??= new Map());
    const state = pairs.get(high.id) ?? 0;
    if (version <= Math.abs(state)) return;
    pairs.set(high.id, linked ? version : -version);
    const wasLinked = state > 0;
    if (linked && !wasLinked) this.adjacency.link(a.slot, b.slot);
    if (!linked && wasLinked) this.adjacency.unlink(a.slot, b.slot);
  }

  private node(id: number): Node {
    let node = this.nodes.get(id);
    if (!node) {
      const slot = this.adjacency.addSlot();
      node = { id, slot, profile: unknownProfile(id), userVersion: 0, pairs: undefined };
      this.nodes.set(id, node);
      this.bySlot[slot] = node;
      this.ranking.register(slot, id);
    }
    return node;
  }
}
