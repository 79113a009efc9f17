/**
 * Every module in one process. With nothing configured: PGlite data directories under DATA_DIR,
 * the in-process bus and the in-memory graph. Modules still reach each other only through events
 * and HTTP contracts; the local fetch just skips the socket.
 */
import { discovery, friend, gateway, recommendation, run, user } from './wiring';

await run('all-in-one', false, async (w) => [await discovery(w), await user(w), await friend(w), await recommendation(w), await gateway(w)]);
