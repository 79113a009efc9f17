import type { GraphEvent } from '../graph/graph-events';
import type { GraphRecommendation, GraphSnapshot, GraphStats, GraphUser, SocialGraph } from '../graph/social-graph';

/**
 * The graph the module serves from, behind which an online rebuild swaps graphs: reads go to one
 * graph, live events to the graphs being kept current. A swap is one assignment between two
 * awaits, so each read sees either the old graph or the new one, never a mix.
 */
export class ServingGraph implements SocialGraph {
  private reads: SocialGraph;
  private targets: SocialGraph[];

  constructor(graph: SocialGraph) {
    this.reads = graph;
    this.targets = [graph];
  }

  /** The graph reads come from now. */
  get current(): SocialGraph {
    return this.reads;
  }

  /** From now on reads and live events go to `graph` only. Call with the projector's lock held. */
  switchTo(graph: SocialGraph): void {
    this.reads = graph;
    this.targets = [graph];
  }

  async apply(events: readonly GraphEvent[]): Promise<void> {
    await Promise.all(this.targets.map((g) => g.apply(events)));
  }

  mutualFriends(userId: number, friendId: number, limit: number): Promise<GraphUser[]> {
    return this.reads.mutualFriends(userId, friendId, limit);
  }

  recommendFriends(userId: number, limit: number): Promise<GraphRecommendation[]> {
    return this.reads.recommendFriends(userId, limit);
  }

  /** From the graph reads come from, so a consistency token is judged against what a read would see. */
  streamVersions(streamIds: readonly string[]): Promise<number[]> {
    return this.reads.streamVersions(streamIds);
  }

  clear(): Promise<void> {
    return this.reads.clear();
  }

  snapshot(): Promise<GraphSnapshot> {
    return this.reads.snapshot();
  }

  stats(): Promise<GraphStats> {
    return this.reads.stats();
  }

  async ping(): Promise<boolean> {
    return (await this.reads.ping?.()) ?? true;
  }
}
