import neo4j, { type Driver, type QueryConfig } from 'neo4j-driver';
import { unavailable } from '../../../platform/errors';
import type { Logger } from '../../../platform/log';
import { userStreamId } from '../../user/contracts/events';
import type { GraphEvent } from './graph-events';
import { foldBatch } from './neo4j-batch';
import * as cypher from './neo4j-cypher';
import { neo4jTls } from './neo4j-tls';
import type { GraphRecommendation, GraphSnapshot, GraphStats, GraphUser, SocialGraph } from './social-graph';
import { parseStreamId } from './stream-ids';

/** `trustedCaFile`: PEM of a private CA; the connection is then encrypted and verified against it. */
export type Neo4jConnection = Driver | { url: string; user: string; password: string; trustedCaFile?: string };

export interface Neo4jGraphOptions {
  /** Neo4j database name; the server's default database when omitted. */
  database?: string;
}

/**
 * The driver retries a transaction for 30 s by default while the server is away. A reader is
 * better served by a quick 503 it can retry than by a wait past the gateway's timeout; the
 * consumer retries failed batches itself, with back-off, so it loses nothing by a shorter bound.
 */
const DRIVER_LIMITS = { maxTransactionRetryTime: 3_000, connectionTimeout: 3_000, connectionAcquisitionTimeout: 3_000 };

/** Neo4j codes for "the server cannot be reached now" (as opposed to a bad query). */
const UNREACHABLE = new Set(['ServiceUnavailable', 'SessionExpired']);

function unreachableAs503(error: unknown): never {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) throw unavailable('the graph database is unavailable; retry later');
  throw error;
}

function openDriver(c: Exclude<Neo4jConnection, Driver>): Driver {
  const tls = neo4jTls(c.url, c.trustedCaFile);
  return neo4j.driver(tls.url, neo4j.auth.basic(c.user, c.password), { ...DRIVER_LIMITS, ...tls.config });
}

const isDriver = (c: Neo4jConnection): c is Driver => typeof (c as Driver).executeQuery === 'function';
const CLEAR_SLICE_SIZE = 10_000;
const CHECKPOINT = 'recommendation-log';

/** Neo4j integers (64-bit) as JS numbers: every value here (ids, versions, counts) is far below 2^53. */
const num = (v: unknown): number => (neo4j.isInt(v) ? v.toNumber() : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const int = (v: number) => neo4j.int(v);

/** Key order as in MemoryGraph, so that JSON forms of snapshots compare too. */
const profile = (id: unknown, version: unknown, createdAt: unknown, lastModified: unknown): GraphUser => ({
  id: num(id),
  version: version === null || version === undefined ? 0 : num(version),
  createdAt: str(createdAt),
  lastModified: str(lastModified),
});
const toUser = (r: { get(key: string): unknown }) => profile(r.get('id'), r.get('version'), r.get('createdAt'), r.get('lastModified'));

/**
 * The distributed adapter of the graph port (semantics in social-graph.ts, data model in
 * neo4j-cypher.ts). Durable: it also keeps the highest log position applied, so that a restart
 * replays only the rest of the log. Call `init()` once before use. `close()` closes the driver
 * only if this graph created it.
 */
export class Neo4jGraph implements SocialGraph {
  private readonly driver: Driver;
  private readonly ownsDriver: boolean;
  private readonly read: QueryConfig;
  private readonly write: QueryConfig;

  constructor(connection: Neo4jConnection, private readonly log: Logger, options: Neo4jGraphOptions = {}) {
    this.ownsDriver = !isDriver(connection);
    this.driver = isDriver(connection) ? connection : openDriver(connection);
    this.read = { routing: neo4j.routing.READ, database: options.database };
    this.write = { routing: neo4j.routing.WRITE, database: options.database };
  }

  /**
   * Creates the unique constraints (and so the indexes every MERGE and lookup relies on), and takes
   * off the names an older release stored on user nodes.
   */
  async init(): Promise<void> {
    for (const statement of cypher.CONSTRAINTS) await this.driver.executeQuery(statement, {}, this.write);
    await this.driver.executeQuery('CALL db.awaitIndexes(60)', {}, this.write);
    await this.removeNames();
    this.log.info('neo4j graph ready', { ...(await this.stats()) });
  }

  async apply(events: readonly GraphEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { users, pairs } = foldBatch(events);
    await this.driver.executeQuery(
      cypher.APPLY,
      {
        users: users.map((u) => ({ ...u, id: int(u.id), version: int(u.version) })),
        pairs: pairs.map((p) => ({ ...p, low: int(p.low), high: int(p.high), version: int(p.version) })),
      },
      this.write,
    );
  }

  async mutualFriends(userId: number, friendId: number, limit: number): Promise<GraphUser[]> {
    if (userId === friendId) return [];
    const { records } = await this.driver.executeQuery(cypher.MUTUAL_FRIENDS, { a: int(userId), b: int(friendId), limit: int(limit) }, this.read).catch(unreachableAs503);
    return records.map(toUser);
  }

  async recommendFriends(userId: number, limit: number): Promise<GraphRecommendation[]> {
    const { records } = await this.driver.executeQuery(cypher.RECOMMEND_FRIENDS, { id: int(userId), limit: int(limit) }, this.read).catch(unreachableAs503);
    return records.map((r) => ({ user: toUser(r), weight: num(r.get('weight')) }));
  }

  /** Deletes this graph's nodes (checkpoint, pairs, users) in slices; other labels are left alone. */
  async clear(): Promise<void> {
    await this.driver.executeQuery(cypher.CLEAR_CHECKPOINTS, {}, this.write);
    for (const statement of [cypher.CLEAR_PAIRS, cypher.CLEAR_USERS]) {
      for (;;) {
        const { records } = await this.driver.executeQuery(statement, { slice: int(CLEAR_SLICE_SIZE) }, this.write);
        if (num(records[0]?.get('deleted') ?? 0) < CLEAR_SLICE_SIZE) break;
      }
    }
  }

  async snapshot(): Promise<GraphSnapshot> {
    const { records } = await this.driver.executeQuery(cypher.SNAPSHOT, {}, this.read);
    const row = records[0]!;
    const users: GraphUser[] = [];
    const streams: [string, number][] = [];
    for (const [id, version, createdAt, lastModified] of row.get('users') as unknown[][]) {
      const user = profile(id, version, createdAt, lastModified);
      users.push(user);
      if (user.version > 0) streams.push([userStreamId(user.id), user.version]);
    }
    for (const [stream, version] of row.get('pairs') as unknown[][]) streams.push([String(stream), num(version)]);
    const friendships = (row.get('friendships') as unknown[][]).map(([a, b]) => {
      const [x, y] = [num(a), num(b)];
      return (x < y ? [x, y] : [y, x]) as [number, number];
    });
    users.sort((x, y) => x.id - y.id);
    friendships.sort(([a1, b1], [a2, b2]) => a1 - a2 || b1 - b2);
    // The same comparison as MemoryGraph's (code units, not locale), so that snapshots compare.
    streams.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return { users, friendships, streams };
  }

  /** Two look-ups by unique key (User.id, Pair.stream) in one round trip. */
  async streamVersions(streamIds: readonly string[]): Promise<number[]> {
    const parsed = streamIds.map(parseStreamId);
    const users = [...new Set(parsed.filter((p) => p?.length === 1).map((p) => p![0]!))];
    const pairs = [...new Set(streamIds.filter((_, i) => parsed[i]?.length === 2))];
    if (users.length === 0 && pairs.length === 0) return streamIds.map(() => 0);
    const { records } = await this.driver
      .executeQuery(cypher.STREAM_VERSIONS, { users: users.map(int), pairs }, this.read)
      .catch(unreachableAs503);
    const versions = new Map<string, number>();
    for (const [id, version] of records[0]!.get('users') as unknown[][]) versions.set(userStreamId(num(id)), num(version));
    for (const [stream, version] of records[0]!.get('pairs') as unknown[][]) versions.set(String(stream), num(version));
    return streamIds.map((s) => versions.get(s) ?? 0);
  }

  /** The cheapest round trip: readiness asks it every few seconds, so no count over the graph. */
  async ping(): Promise<boolean> {
    return this.driver.executeQuery('RETURN 1', {}, this.read).then(() => true, () => false);
  }

  async stats(): Promise<GraphStats> {
    const { records } = await this.driver.executeQuery(cypher.STATS, {}, this.read);
    return { users: num(records[0]!.get('users')), friendships: num(records[0]!.get('friendships')) };
  }

  /** Highest log position recorded as applied; 0 for a new or cleared graph. */
  async checkpoint(): Promise<number> {
    const { records } = await this.driver.executeQuery(cypher.READ_CHECKPOINT, { name: CHECKPOINT }, this.read);
    const position = records[0]?.get('position');
    return position === null || position === undefined ? 0 : num(position);
  }

  /** Raises the checkpoint to `position`; never lowers it. */
  async saveCheckpoint(position: number): Promise<void> {
    await this.driver.executeQuery(cypher.SAVE_CHECKPOINT, { name: CHECKPOINT, position: int(position) }, this.write);
  }

  /** Removes the names an older release stored on user nodes; returns how many nodes had some. */
  async removeNames(): Promise<number> {
    let cleaned = 0;
    for (;;) {
      const { records } = await this.driver.executeQuery(cypher.REMOVE_NAMES, { slice: int(CLEAR_SLICE_SIZE) }, this.write);
      const n = num(records[0]?.get('cleaned') ?? 0);
      cleaned += n;
      if (n < CLEAR_SLICE_SIZE) break;
    }
    if (cleaned > 0) this.log.info('removed the names an older release stored on user nodes', { users: cleaned });
    return cleaned;
  }

  async close(): Promise<void> {
    if (this.ownsDriver) await this.driver.close();
  }
}
