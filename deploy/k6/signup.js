// @ts-check
// Sign-up: every arrival creates a user.   k6 run -e RATE=100 -e DURATION=30s deploy/k6/signup.js
import { options as scenario, signUp } from './lib.js';

export const options = scenario('signup', ['signup']);

export default function () {
  signUp(__ITER);
}
