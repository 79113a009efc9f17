import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ConsistencyError } from '../../../platform/consistency/consistency-gate';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { startUserService } from '../../../../test/kits/recommendation/user-service';
import type { GraphUser } from '../graph/social-graph';
import { NameCache } from './name-cache';
import { UserNamer } from './user-namer';

const bus = new InProcessBus();
let users: Awaited<ReturnType<typeof startUserService>>;
let ada: number, bob: number, cy: number;

/** A user as the graph hands it out: only the version matters to the namer. */
const at = (id: number, version: number): GraphUser => ({ id, version, createdAt: null, lastModified: null });
const namesOf = (answer: { firstName: string | null; lastName: string | null }[]) => answer.map((u) => `${u.firstName} ${u.lastName}`);

beforeAll(async () => {
  users = await startUserService(bus);
  ada = (await users.create('Ada', 'Lovelace')).id;
  bob = (await users.create('Bob', 'Kahn')).id;
  cy = (await users.create('Cy', 'Twombly')).id;
});
afterAll(async () => {
  await users.close();
  await bus.close();
});

describe('UserNamer', () => {
  test('reads names once, then answers from memory while the graph has nothing newer', async () => {
    const namer = new UserNamer(new NameCache(10), users.names, silentLogger);
    const before = users.calls();
    expect(namesOf(await namer.name([at(ada, 1), at(bob, 1)]))).toEqual(['Ada Lovelace', 'Bob Kahn']);
    expect(namesOf(await namer.name([at(bob, 1), at(ada, 1)]))).toEqual(['Bob Kahn', 'Ada Lovelace']);
    expect(users.calls() - before).toBe(1);
  });

  test('a user the user service does not know is asked about once per version the graph applied, and shown without names', async () => {
    const namer = new UserNamer(new NameCache(10), users.names, silentLogger);
    const stranger = 1_000_000;
    const before = users.calls();
    expect(namesOf(await namer.name([at(stranger, 1), at(ada, 1)]))).toEqual(['null null', 'Ada Lovelace']);
    expect(namesOf(await namer.name([at(stranger, 1)]))).toEqual(['null null']);
    expect(users.calls() - before).toBe(1);
    await namer.name([at(stranger, 2)]); // something newer happened to them: ask again
    expect(users.calls() - before).toBe(2);
  });

  test('a name older than the version the graph applied is read again: a rename shows', async () => {
    const namer = new UserNamer(new NameCache(10), users.names, silentLogger);
    expect(namesOf(await namer.name([at(cy, 1)]))).toEqual(['Cy Twombly']);
    await users.rename(cy, 'Cyrus', 'Twombly');
    expect(namesOf(await namer.name([at(cy, 1)]))).toEqual(['Cy Twombly']); // the graph has not seen the rename yet
    expect(namesOf(await namer.name([at(cy, 2)]))).toEqual(['Cyrus Twombly']);
  });

  test('forget drops a name: the next answer asks the user service, which says the user is erased', async () => {
    const namer = new UserNamer(new NameCache(10), users.names, silentLogger);
    const dee = (await users.create('Dee', 'Gone')).id;
    expect(namesOf(await namer.name([at(dee, 1)]))).toEqual(['Dee Gone']);
    await users.erase(dee);
    namer.forget(dee);
    const before = users.calls();
    expect(namesOf(await namer.name([at(dee, 1)]))).toEqual(['null null']);
    expect(users.calls() - before).toBe(1);
  });

  test('holds at most its capacity, least recently used out first, and still names a larger page', async () => {
    const cache = new NameCache(2);
    const namer = new UserNamer(cache, users.names, silentLogger);
    expect(namesOf(await namer.name([at(ada, 1), at(bob, 1), at(cy, 2)]))).toEqual(['Ada Lovelace', 'Bob Kahn', 'Cyrus Twombly']);
    expect(cache.size).toBe(2);
    expect([cache.has(ada), cache.has(bob), cache.has(cy)]).toEqual([false, true, true]);
    await namer.name([at(bob, 1)]); // bob is now the most recent: ada pushes cy out
    await namer.name([at(ada, 1)]);
    expect([cache.has(ada), cache.has(bob), cache.has(cy)]).toEqual([true, true, false]);
  });

  test('user service unreachable: cached names are served, even stale; an unknown name is a 503 with Retry-After', async () => {
    const namer = new UserNamer(new NameCache(10), users.names, silentLogger);
    await namer.name([at(ada, 1)]);
    users.reachable(false);
    try {
      expect(namesOf(await namer.name([at(ada, 5)]))).toEqual(['Ada Lovelace']);
      // A user known only from friendships (version 0) had no name before either: null, no 503.
      expect(namesOf(await namer.name([at(ada, 1), at(bob, 0)]))).toEqual(['Ada Lovelace', 'null null']);
      const refused = await namer.name([at(ada, 1), at(bob, 1)]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConsistencyError);
      expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    } finally {
      users.reachable(true);
    }
    expect(namesOf(await namer.name([at(bob, 1)]))).toEqual(['Bob Kahn']);
  });

  test('a sweep drops the names the graph has moved past: a rename, or an erasure another instance applied', async () => {
    const cache = new NameCache(10);
    const namer = new UserNamer(cache, users.names, silentLogger);
    await namer.name([at(ada, 1), at(bob, 1), at(cy, 2)]);
    const graph = new Map([[ada, 1], [bob, 4], [cy, 2]]); // bob renamed or erased since, as far as the graph knows
    const asked: number[][] = [];
    const dropped = await namer.sweep(async (ids) => (asked.push([...ids]), ids.map((id) => graph.get(id) ?? 0)));
    expect(dropped).toBe(1);
    expect([cache.has(ada), cache.has(bob), cache.has(cy)]).toEqual([true, false, true]);
    expect(asked.flat().sort()).toEqual([ada, bob, cy].sort());
  });

  test('without a user service, answers carry no names', async () => {
    const namer = new UserNamer(new NameCache(10), undefined, silentLogger);
    expect(await namer.name([at(ada, 1)])).toEqual([{ id: ada, firstName: null, lastName: null, createdAt: null, lastModified: null }]);
  });
});
