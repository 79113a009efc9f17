import { describe } from 'bun:test';
import { socialGraphConformance } from '../../../../test/conformance/social-graph';
import { MemoryGraph } from './memory-graph';

describe('MemoryGraph passes the SocialGraph conformance suite', () => {
  socialGraphConformance(async () => new MemoryGraph());
});
