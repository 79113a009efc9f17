import { describe } from 'bun:test';
import { socialGraphContract } from '../../../../test/conformance/social-graph';
import { MemoryGraph } from './memory-graph';

describe('MemoryGraph passes the SocialGraph contract', () => {
  socialGraphContract(async () => new MemoryGraph());
});
