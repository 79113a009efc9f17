// @ts-check
// Browse: recommendations (80%) and mutual friends (20%) over a small befriended population.
//   k6 run -e RATE=200 deploy/k6/browse.js
import { findMutualFriends, options as scenario, recommendFriends, setUpUsers, twoUsers } from './lib.js';

export const options = scenario('browse', ['signup', 'addFriend', 'recommendFriends', 'findMutualFriends']);
export const setup = () => setUpUsers(true);

/** @param {import('./lib.js').SetupData} data */
export default function ({ ids }) {
  const [a, b] = twoUsers(ids);
  if (Math.random() < 0.8) recommendFriends(a);
  else findMutualFriends(a, b);
}
