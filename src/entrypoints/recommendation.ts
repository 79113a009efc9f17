/** The recommendation module alone in its process, exchanging events with the others through Kafka. */
import { recommendation, run } from './wiring';

await run('recommendation', true, async (w) => [await recommendation(w)]);
