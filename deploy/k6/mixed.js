// @ts-check
// Mixed, read-heavy: sign-up 10%, befriend 20%, recommend 45%, mutual friends 10%, get user 15%
// (the weights of `bun run load -- --scenario mixed`).   k6 run -e RATE=200 deploy/k6/mixed.js
import { MIXED_ENDPOINTS, mixedArrival, options as scenario, setUpUsers } from './lib.js';

export const options = scenario('mixed', MIXED_ENDPOINTS);
export const setup = () => setUpUsers(true);

/** @param {import('./lib.js').SetupData} data */
export default function ({ ids }) {
  mixedArrival(ids);
}
