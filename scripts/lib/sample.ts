// The "sample" at the end of a run: one well-connected user, their friends, the mutual friends with
// one of those friends, and their top recommendations - a quick check that the data made it through
// the write side AND the eventually consistent recommendation projection.
//
// Expectations are computed from the friendships this run itself saw (created or 409 "already
// friends"), so we know when a read model has caught up instead of sleeping a fixed time.

import { describeFailure, type ApiClient, type ApiResult, type User } from './api';

/** Undirected friendships known to this run, by user id. */
export class Graph {
  private readonly adjacency = new Map<number, Set<number>>();

  add(a: number, b: number): void {
    this.neighbours(a).add(b);
    this.neighbours(b).add(a);
  }

  neighbours(id: number): Set<number> {
    let set = this.adjacency.get(id);
    if (!set) this.adjacency.set(id, (set = new Set()));
    return set;
  }

  /** The user with the most friends (lowest id on ties, for stable output), if anyone has one. */
  busiest(): number | undefined {
    let best: number | undefined;
    for (const [id, set] of this.adjacency) {
      const size = set.size, bestSize = best === undefined ? 0 : this.neighbours(best).size;
      if (size > bestSize || (size === bestSize && size > 0 && id < best!)) best = id;
    }
    return best;
  }

  mutual(a: number, b: number): number[] {
    const other = this.neighbours(b);
    return [...this.neighbours(a)].filter((id) => other.has(id));
  }

  /** Friends-of-friends of `id` who are not yet friends, with their mutual-friend counts. */
  recommendations(id: number): Map<number, number> {
    const friends = this.neighbours(id);
    const weights = new Map<number, number>();
    for (const f of friends) {
      for (const g of this.neighbours(f)) {
        if (g !== id && !friends.has(g)) weights.set(g, (weights.get(g) ?? 0) + 1);
      }
    }
    return weights;
  }
}

/**
 * Calls `query` until `satisfied` or the deadline passes, returning the last result and whether it
 * was satisfied. Always tries at least once. Failures (4xx/5xx/network) end the polling at once:
 * retrying only makes sense for a projection that lags, not for a broken request.
 */
export async function pollUntil<T>(
  query: () => Promise<ApiResult<T>>,
  satisfied: (body: T) => boolean,
  deadline: number,
  intervalMs = 100,
): Promise<{ result: ApiResult<T>; caughtUp: boolean }> {
  for (;;) {
    const result = await query();
    if (result.kind !== 'ok') return { result, caughtUp: false };
    if (satisfied(result.body)) return { result, caughtUp: true };
    if (performance.now() + intervalMs > deadline) return { result, caughtUp: false };
    await Bun.sleep(intervalMs);
  }
}

export interface SampleReport {
  lines: string[];
  /** 5xx or network failures during the sample (they count toward exit code 1). */
  failures: number;
}

const SHOWN_FRIENDS = 10;
const LAG_NOTE = '                (the read model may still be catching up)';
/** One aligned "label  value" line, matching the phase blocks of the summary. */
const row = (label: string, text: string) => `  ${label.padEnd(14)}${text}`;

export async function sample(
  api: ApiClient,
  graph: Graph,
  names: ReadonlyMap<number, string>,
  waitMs = 2000,
): Promise<SampleReport> {
  const lines = ['Sample (the user with the most friends in this run)'];
  let failures = 0;
  const fail = (what: string, result: ApiResult<unknown>) => {
    if (result.kind === 'network' || (result.kind === 'http' && result.status >= 500)) failures++;
    lines.push(row(what, `failed: ${describeFailure(result)}`));
  };
  const userId = graph.busiest();
  if (userId === undefined) return { lines: [...lines, row('skipped', 'no user got a friend in this run')], failures };

  // One deadline for all three reads: "wait briefly" overall, not 2 s per query.
  const deadline = performance.now() + waitMs;
  const friendIds = graph.neighbours(userId);
  const label = (u: User) => `${u.firstName} ${u.lastName} (#${u.id})`;
  const known = async (id: number): Promise<string> => {
    const name = names.get(id);
    if (name) return `${name} (#${id})`;
    // A friend from an earlier run: ask the user service for the name.
    const res = await api.getUser(id);
    return res.kind === 'ok' ? label(res.body) : `#${id}`;
  };

  lines.push(row('user', await known(userId)));

  const friends = await pollUntil(() => api.listFriends(userId), (list) => list.length >= Math.min(friendIds.size, 1000), deadline);
  if (friends.result.kind !== 'ok') fail('friends', friends.result);
  else {
    const ids = friends.result.body.map((f) => (f.userId === userId ? f.friendId : f.userId));
    const shown = await Promise.all(ids.slice(0, SHOWN_FRIENDS).map(known));
    const more = ids.length > SHOWN_FRIENDS ? `, ... (+${ids.length - SHOWN_FRIENDS} more)` : '';
    lines.push(row('friends', `${ids.length}: ${shown.join(', ')}${more}`));
    if (!friends.caughtUp) lines.push(LAG_NOTE);
  }

  // The friend sharing the most friends with our user makes the most telling mutual-friends query.
  let friendId = [...friendIds][0]!;
  for (const f of friendIds) if (graph.mutual(userId, f).length > graph.mutual(userId, friendId).length) friendId = f;
  const expectedMutual = graph.mutual(userId, friendId).length;
  const mutual = await pollUntil(() => api.findMutualFriends(userId, friendId), (list) => list.length >= expectedMutual, deadline);
  if (mutual.result.kind !== 'ok') fail('mutual', mutual.result);
  else {
    const list = mutual.result.body;
    lines.push(row('mutual', `${list.length} with ${await known(friendId)}${list.length ? `: ${list.map(label).join(', ')}` : ''}`));
    if (!mutual.caughtUp) lines.push(LAG_NOTE);
  }

  const expectedRecs = Math.min(5, graph.recommendations(userId).size);
  const recs = await pollUntil(() => api.recommendFriends(userId), (list) => list.length >= expectedRecs, deadline);
  if (recs.result.kind !== 'ok') fail('recommended', recs.result);
  else {
    const top = recs.result.body.slice(0, 5);
    lines.push(row('recommended', top.length === 0 ? 'none' : `top ${top.length} of ${recs.result.body.length}, weight = mutual friends`));
    top.forEach((r, i) => lines.push(row('', `${i + 1}. ${label(r.user)}  weight ${r.weight}`)));
    if (!recs.caughtUp) lines.push(LAG_NOTE);
  }
  return { lines, failures };
}
