/** The user module alone in its process, exchanging events with the others through Kafka. */
import { user, run } from './wiring';

await run('user', true, async (w) => [await user(w)]);
