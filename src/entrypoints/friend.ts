/** The friend module alone in its process, exchanging events with the others through Kafka. */
import { friend, run } from './wiring';

await run('friend', true, async (w) => [await friend(w)]);
