/** The gateway module alone in its process. */
import { gateway, run } from './wiring';

await run('gateway', false, async (w) => [await gateway(w)]);
