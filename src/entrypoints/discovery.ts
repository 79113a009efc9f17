/** The discovery module alone in its process. */
import { discovery, run } from './wiring';

await run('discovery', false, async (w) => [await discovery(w)]);
