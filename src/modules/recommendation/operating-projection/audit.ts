import { max } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { GraphSnapshot } from '../graph/social-graph';
import { receivedEvents } from '../schema';

export type Divergence =
  | { kind: 'user'; issue: 'missing' | 'extra' | 'different'; id: number; live?: unknown; rebuilt?: unknown }
  | { kind: 'friendship'; issue: 'missing' | 'extra'; pair: [number, number] }
  | { kind: 'graph-stream'; issue: 'missing' | 'extra' | 'different'; streamId: string; live?: number; rebuilt?: number }
  | { kind: 'log-stream'; source: string; issue: 'missing' | 'extra' | 'behind' | 'ahead'; streamId: string; log?: number; store?: number };

/** Stream heads (id, highest version) of one domain service's event store, in any order. */
export interface StreamSource {
  name: string;
  /** Stream ids this source owns, e.g. `user-` (the log holds streams of every topic). */
  prefix: string;
  heads(): AsyncIterable<[string, number]>;
}

/**
 * What differs between the live graph and a graph freshly rebuilt from the log; `missing` means
 * the rebuilt graph has it and the live one does not.
 */
export function compareGraphs(live: GraphSnapshot, rebuilt: GraphSnapshot): Divergence[] {
  const out: Divergence[] = [];
  const liveUsers = new Map(live.users.map((u) => [u.id, u]));
  const freshUsers = new Map(rebuilt.users.map((u) => [u.id, u]));
  for (const [id, u] of freshUsers) {
    const l = liveUsers.get(id);
    if (!l) out.push({ kind: 'user', issue: 'missing', id, rebuilt: u });
    else if (JSON.stringify(l) !== JSON.stringify(u)) out.push({ kind: 'user', issue: 'different', id, live: l, rebuilt: u });
  }
  for (const [id, l] of liveUsers) if (!freshUsers.has(id)) out.push({ kind: 'user', issue: 'extra', id, live: l });
  const key = ([a, b]: [number, number]) => `${a}-${b}`;
  const liveFriends = new Set(live.friendships.map(key));
  const freshFriends = new Set(rebuilt.friendships.map(key));
  for (const p of rebuilt.friendships) if (!liveFriends.has(key(p))) out.push({ kind: 'friendship', issue: 'missing', pair: p });
  for (const p of live.friendships) if (!freshFriends.has(key(p))) out.push({ kind: 'friendship', issue: 'extra', pair: p });
  const liveStreams = new Map(live.streams);
  const freshStreams = new Map(rebuilt.streams);
  for (const [streamId, v] of freshStreams) {
    const l = liveStreams.get(streamId);
    if (l === undefined) out.push({ kind: 'graph-stream', issue: 'missing', streamId, rebuilt: v });
    else if (l !== v) out.push({ kind: 'graph-stream', issue: 'different', streamId, live: l, rebuilt: v });
  }
  for (const [streamId, l] of liveStreams) if (!freshStreams.has(streamId)) out.push({ kind: 'graph-stream', issue: 'extra', streamId, live: l });
  return out;
}

/** Highest version per stream in the log. */
export async function logHeads(db: Db): Promise<Map<string, number>> {
  const rows = await db.select({ streamId: receivedEvents.streamId, version: max(receivedEvents.streamVersion) }).from(receivedEvents).groupBy(receivedEvents.streamId);
  return new Map(rows.map((r) => [r.streamId, r.version ?? 0]));
}

/**
 * What differs between the log and a domain store, for the streams the source owns. `behind`: the
 * log lacks the store's latest events (not delivered yet, or lost); `ahead`/`extra`: the log holds
 * events the store does not (which the store, the source of truth, never wrote).
 */
export async function compareLog(log: Map<string, number>, source: StreamSource): Promise<{ items: Divergence[]; streams: number }> {
  const out: Divergence[] = [];
  const seen = new Set<string>();
  for await (const [streamId, store] of source.heads()) {
    seen.add(streamId);
    const inLog = log.get(streamId);
    if (inLog === undefined) out.push({ kind: 'log-stream', source: source.name, issue: 'missing', streamId, store });
    else if (inLog < store) out.push({ kind: 'log-stream', source: source.name, issue: 'behind', streamId, log: inLog, store });
    else if (inLog > store) out.push({ kind: 'log-stream', source: source.name, issue: 'ahead', streamId, log: inLog, store });
  }
  for (const [streamId, inLog] of log) {
    if (streamId.startsWith(source.prefix) && !seen.has(streamId)) out.push({ kind: 'log-stream', source: source.name, issue: 'extra', streamId, log: inLog });
  }
  return { items: out, streams: seen.size };
}
