import { describe, expect, test } from 'bun:test';
import { userStreamId } from '../../user/contracts/events';
import { eventFactory, seededRandom, shuffled } from '../../../../test/kits/recommendation/events';
import { randomHistory } from '../../../../test/conformance/social-graph';
import { MemoryGraph } from './memory-graph';
import { foldBatch, type PairRow, type UserRow } from './neo4j-batch';
import type { GraphEvent, GraphSnapshot, GraphUser } from './social-graph';

/**
 * A model of what neo4j-cypher.ts's APPLY does with folded rows, so that the fold is checked
 * against MemoryGraph even where no Neo4j runs. The int test checks the Cypher itself.
 */
class RowModel {
  users = new Map<number, GraphUser>();
  pairs = new Map<string, PairRow>();

  apply(events: readonly GraphEvent[]) {
    const { users, pairs } = foldBatch(events);
    users.forEach((row) => this.user(row));
    pairs.forEach((row) => this.pair(row));
  }

  snapshot(): GraphSnapshot {
    const users = [...this.users.values()].sort((a, b) => a.id - b.id);
    const streams: [string, number][] = [
      ...users.filter((u) => u.version > 0).map((u): [string, number] => [userStreamId(u.id), u.version]),
      ...[...this.pairs.values()].map((p): [string, number] => [p.stream, p.version]),
    ].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const friendships = [...this.pairs.values()].filter((p) => p.linked).map((p): [number, number] => [p.low, p.high]);
    friendships.sort(([a1, b1], [a2, b2]) => a1 - a2 || b1 - b2);
    return { users: users.map(({ id, version, createdAt, lastModified }) => ({ id, version, createdAt, lastModified })), friendships, streams };
  }

  private node(id: number) {
    const known = this.users.get(id) ?? { id, version: 0, createdAt: null, lastModified: null };
    this.users.set(id, known);
    return known;
  }

  private user(row: UserRow) {
    const u = this.node(row.id);
    if (u.version < row.version) Object.assign(u, { version: row.version, lastModified: row.lastModified });
    u.createdAt ??= row.createdAt;
  }

  private pair(row: PairRow) {
    this.node(row.low);
    this.node(row.high);
    const seen = this.pairs.get(row.stream);
    if (!seen || seen.version < row.version) this.pairs.set(row.stream, row);
  }
}

describe('foldBatch', () => {
  test('keeps one row per stream: the first event with the highest version', () => {
    const e = eventFactory();
    const [created, renamed] = [e.userCreated(1, 'A', 'B'), e.userUpdated(1, 'C', 'D')];
    const [added, removed] = [e.friendAdded(2, 1), e.friendRemoved(1, 2)];
    const sameVersion = { ...e.friendAdded(3, 4), streamVersion: 1 };
    const conflicting = { ...e.friendRemoved(4, 3), streamVersion: 1 };
    const { users, pairs } = foldBatch([renamed, removed, created, added, conflicting, sameVersion]);
    expect(users).toEqual([{ id: 1, version: 2, lastModified: renamed.occurredAt, createdAt: created.occurredAt, erased: false }]);
    expect(pairs).toEqual([
      { stream: 'friendship-1-2', low: 1, high: 2, version: 2, linked: false },
      { stream: 'friendship-3-4', low: 3, high: 4, version: 1, linked: false },
    ]);
  });

  test('normalises timestamps to ISO form, as the log gives them back', () => {
    const created = { ...eventFactory().userCreated(1), occurredAt: '2025-01-01T01:00:00+01:00' };
    expect(foldBatch([created]).users[0]).toMatchObject({ createdAt: '2025-01-01T00:00:00.000Z', lastModified: '2025-01-01T00:00:00.000Z' });
  });

  test('applied batch by batch, folded rows give the MemoryGraph snapshot for any order and batching', async () => {
    const events = randomHistory(17, 30, 400);
    const reference = new MemoryGraph();
    await reference.apply(events);
    const expected = await reference.snapshot();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seededRandom(seed);
      const delivered = shuffled([...events, ...events.filter(() => random() < 0.3)], random);
      const model = new RowModel();
      for (let i = 0; i < delivered.length; ) {
        const size = 1 + Math.floor(random() * 60);
        model.apply(delivered.slice(i, (i += size)));
      }
      expect(model.snapshot()).toEqual(expected);
    }
  });
});
