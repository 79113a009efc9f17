// Befriend: every arrival adds a friendship between two of the setup's users.
//   k6 run -e RATE=100 -e USERS=1000 deploy/k6/befriend.js
import { addFriend, options as scenario, setUpUsers, twoUsers } from './lib.js';

export const options = scenario('befriend');
export const setup = () => setUpUsers(false);

export default function ({ ids }) {
  addFriend(...twoUsers(ids));
}
