// @ts-check
// Ramp: the mixed load at a changing rate, up to RATE, held, up to PEAK (default twice RATE), held,
// then down to zero; every endpoint must stay within its latency gate throughout.
//   k6 run -e RATE=100 -e PEAK=300 -e RAMP=30s -e DURATION=1m deploy/k6/ramp.js
import { MIXED_ENDPOINTS, mixedArrival, rampingOptions, setUpUsers } from './lib.js';

export const options = rampingOptions('ramp', MIXED_ENDPOINTS);
export const setup = () => setUpUsers(true);

/** @param {import('./lib.js').SetupData} data */
export default function ({ ids }) {
  mixedArrival(ids);
}
