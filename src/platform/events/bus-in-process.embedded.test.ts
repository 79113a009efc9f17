import { busContract } from '../../../test/conformance/event-bus';
import { InProcessBus } from './in-process-bus';

let counter = 0;

busContract({
  name: 'in-process',
  createBus: () => new InProcessBus(),
  unique: (base) => `${base}-${++counter}`,
  timeoutMs: 5_000,
});
