import { describe } from 'bun:test';
import type { DurableGraph } from './social-graph';
import { durableStartConformance } from '../../../../test/conformance/durable-start';
import { MemoryGraph } from './memory-graph';

/** The in-memory graph with a checkpoint: stands in for a graph that outlives the module (Neo4j). */
class CheckpointedMemoryGraph extends MemoryGraph implements DurableGraph {
  private position = 0;

  async checkpoint(): Promise<number> {
    return this.position;
  }

  async saveCheckpoint(position: number): Promise<void> {
    this.position = Math.max(this.position, position);
  }

  override async clear(): Promise<void> {
    this.position = 0;
    await super.clear();
  }
}

describe('start-up on a durable graph (in-memory stand-in)', () => {
  durableStartConformance(async () => new CheckpointedMemoryGraph());
});
