// @ts-check
// Befriend: every arrival adds a friendship between two of the setup's users (a 409 for a pair
// that are friends already is expected, not a failure).   k6 run -e RATE=100 -e USERS=1000 deploy/k6/befriend.js
import { addFriend, options as scenario, setUpUsers, twoUsers } from './lib.js';

// setup's sign-ups are measured too, so their endpoint gets its gate.
export const options = scenario('befriend', ['signup', 'addFriend']);
export const setup = () => setUpUsers(false);

/** @param {import('./lib.js').SetupData} data */
export default function ({ ids }) {
  addFriend(...twoUsers(ids));
}
