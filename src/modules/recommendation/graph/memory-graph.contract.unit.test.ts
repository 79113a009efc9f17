import { describe } from 'bun:test';
import { socialGraphContract } from './graph.contract';
import { MemoryGraph } from './memory-graph';

describe('MemoryGraph passes the SocialGraph contract', () => {
  socialGraphContract(async () => new MemoryGraph());
});
