// Mixed, read-heavy: sign-up 10%, befriend 20%, recommend 45%, mutual friends 10%, get user 15%
// (the weights of `bun run load -- --scenario mixed`).   k6 run -e RATE=200 deploy/k6/mixed.js
import { addFriend, findMutualFriends, getUser, options as scenario, recommendFriends, setUpUsers, signUp, twoUsers } from './lib.js';

export const options = scenario('mixed');
export const setup = () => setUpUsers(true);

export default function ({ ids }) {
  const x = Math.random() * 100;
  const [a, b] = twoUsers(ids);
  if (x < 10) signUp(__ITER);
  else if (x < 30) addFriend(a, b);
  else if (x < 75) recommendFriends(a);
  else if (x < 85) findMutualFriends(a, b);
  else getUser(a);
}
