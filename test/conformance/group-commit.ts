import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../../src/platform/clock';
import type { Database } from '../../src/platform/db/database';
import { DomainError, invalid } from '../../src/platform/errors';
import type { Aggregate } from '../../src/platform/events/aggregate';
import { commandRunner } from '../../src/platform/events/command-runner';
import { EventCodec } from '../../src/platform/events/event-codec';
import { readStream, streamVersions } from '../../src/platform/events/event-store';

/** Adds one to a tally; `fresh` claims the stream is new (as a just-allocated id would), `refuse` is rejected by decide. */
type Add = { type: 'Add'; tally: string; fresh?: boolean; refuse?: boolean };
type Added = { type: 'Added'; data: { n: number } };

const tallies: Aggregate<Add, number, Added> = {
  initialState: 0,
  evolve: (_n, event) => event.data.n,
  decide: (command, n) => {
    if (command.refuse) throw invalid(`${command.tally} refuses`);
    return [{ type: 'Added', data: { n: n + 1 } }];
  },
  streamId: (command) => `tally-${command.tally}`,
  topic: 'tallies',
  startsStream: (command) => command.fresh === true,
  project: async () => {},
  codec: new EventCodec<Added>({ Added: { current: 1, problem: () => undefined } }),
};

const meta = { metadata: { correlationId: 'group-commit' } };

/**
 * Group commit on a real engine: batches form, each command is decided and checked on its own,
 * a conflict fails only its command, and stream versions stay gapless under concurrency. `open`
 * gives two handles on one migrated event store: two instances of a module, or one PGlite twice.
 */
export function groupCommitContract(name: string, open: () => Promise<{ first: Database; second: Database; close(): Promise<void> }>) {
  describe(`group commit on ${name}`, () => {
    let first: Database;
    let second: Database;
    let close: () => Promise<void>;
    beforeAll(async () => ({ first, second, close } = await open()));
    afterAll(() => close());

    // One transaction at a time, as on PGlite, so the batches formed are known in advance.
    const runnerOn = (database: Database, batches: number[] = [], parallelBatches = 1) =>
      commandRunner(database, tallies, { clock: systemClock, parallelBatches, observeBatch: (size) => void batches.push(size) });
    const unique = () => crypto.randomUUID().slice(0, 8);

    test('a lone command commits alone; commands submitted in one turn share its transaction, later ones the next', async () => {
      const batches: number[] = [];
      const runner = runnerOn(first, batches);
      await runner.run({ type: 'Add', tally: unique() }, meta);
      expect(batches).toEqual([1]);
      const results = await Promise.all(Array.from({ length: 10 }, () => runner.run({ type: 'Add', tally: unique() }, meta)));
      // All ten in the first transaction, not the first alone and the other nine behind it.
      expect(batches).toEqual([1, 10]);
      expect(results.map((r) => r.version)).toEqual(Array(10).fill(1));
      // Submitted while that transaction runs: they wait for it, then go together.
      const running = runner.run({ type: 'Add', tally: unique() }, meta);
      await new Promise((resolve) => setImmediate(resolve));
      const meanwhile = Array.from({ length: 5 }, () => runner.run({ type: 'Add', tally: unique() }, meta));
      await Promise.all([running, ...meanwhile]);
      expect(batches).toEqual([1, 10, 1, 5]);
    });

    test('commands on one stream never share a transaction: each decides on the events of the one before', async () => {
      const batches: number[] = [];
      const runner = runnerOn(first, batches);
      const tally = unique();
      const results = await Promise.all(Array.from({ length: 4 }, () => runner.run({ type: 'Add', tally }, meta)));
      expect(batches).toEqual([1, 1, 1, 1]);
      expect(results.map((r) => r.state)).toEqual([1, 2, 3, 4]);
    });

    test('a conflicting command in a batch fails alone (409) while its batch-mates commit', async () => {
      const taken = unique();
      const batches: number[] = [];
      const runner = runnerOn(first, batches);
      await runner.run({ type: 'Add', tally: taken }, meta);
      const others = Array.from({ length: 5 }, unique);
      // Submitted in one turn, the seven go together.
      const settled = await Promise.allSettled([
        runner.run({ type: 'Add', tally: unique() }, meta),
        ...others.slice(0, 3).map((tally) => runner.run({ type: 'Add', tally }, meta)),
        runner.run({ type: 'Add', tally: taken, fresh: true }, meta),
        ...others.slice(3).map((tally) => runner.run({ type: 'Add', tally }, meta)),
      ]);
      expect(batches).toEqual([1, 7]);
      const conflict = settled[4]!;
      expect(conflict.status).toBe('rejected');
      expect((conflict as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
      expect(((conflict as PromiseRejectedResult).reason as DomainError).kind).toBe('conflict');
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(6);
      expect(await streamVersions(first.db, others.map((t) => `tally-${t}`))).toEqual([1, 1, 1, 1, 1]);
      expect(await readStream(first.db, `tally-${taken}`)).toHaveLength(1);
    });

    test('a rejection or a stale precondition answers only its own command', async () => {
      const runner = runnerOn(first);
      const stale = unique();
      await runner.run({ type: 'Add', tally: stale }, meta);
      const ok = unique();
      const settled = await Promise.allSettled([
        runner.run({ type: 'Add', tally: unique() }, meta),
        runner.run({ type: 'Add', tally: unique(), refuse: true }, meta),
        runner.run({ type: 'Add', tally: stale }, { ...meta, expectedVersion: 0 }),
        runner.run({ type: 'Add', tally: ok }, meta),
      ]);
      expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as DomainError).kind))).toEqual(['ok', 'invalid', 'stale', 'ok']);
      expect(await streamVersions(first.db, [`tally-${stale}`, `tally-${ok}`])).toEqual([1, 1]);
    });

    test('with several transactions at once, a stream still has one command in flight', async () => {
      const batches: number[] = [];
      const runner = runnerOn(first, batches, 3);
      const tally = unique();
      const results = await Promise.all(Array.from({ length: 4 }, () => runner.run({ type: 'Add', tally }, meta)));
      // Slots were free, yet each of the stream's commands waited for the one before it.
      const others = await Promise.all(Array.from({ length: 2 }, () => runner.run({ type: 'Add', tally: unique() }, meta)));
      expect(results.map((r) => r.state)).toEqual([1, 2, 3, 4]);
      expect(batches).toEqual([1, 1, 1, 1, 2]);
      expect(others.map((r) => r.version)).toEqual([1, 1]);
    });

    test('under concurrency, from two instances, every stream stays 1..n and each command decided on the state before it', async () => {
      const streams = Array.from({ length: 4 }, unique);
      const runners = [runnerOn(first, [], 4), runnerOn(second, [], 4)];
      const settled = await Promise.allSettled(
        Array.from({ length: 160 }, (_, i) => runners[i % 2]!.run({ type: 'Add', tally: streams[(i * 7) % 4]! }, meta)),
      );
      // Losing the race three times running is a 409 the client may retry; nothing else may fail.
      for (const s of settled) if (s.status === 'rejected') expect((s.reason as DomainError).kind).toBe('conflict');
      const committed = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      expect(committed.length).toBeGreaterThan(80);
      for (const tally of streams) {
        const events = await readStream<Added>(first.db, `tally-${tally}`);
        // No gap, no repeat, and the tally equals the version: no decision was made on a stale state.
        expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
        expect(events.map((e) => e.data.n)).toEqual(events.map((_, i) => i + 1));
        const answered = committed.filter((r) => r.appended[0]!.streamId === `tally-${tally}`).map((r) => r.version).sort((a, b) => a - b);
        expect(answered).toEqual(events.map((e) => e.streamVersion));
      }
    });
  });
}
