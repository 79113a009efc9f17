import { eventBusConformance } from '../../../test/conformance/event-bus';
import { InProcessBus } from './in-process-bus';

let counter = 0;

eventBusConformance({
  name: 'in-process',
  createBus: () => new InProcessBus(),
  unique: (base) => `${base}-${++counter}`,
  timeoutMs: 5_000,
});
