/**
 * The check every fault scenario ends with: nothing acknowledged was lost, nothing was applied
 * twice. It holds the commands' answers against the event stores (by correlation id), the stores
 * against the read models and the recommendation log (by event id), and the graph in Neo4j
 * against a graph built from the stores and one rebuilt from the log.
 */
import { classify, MemoryGraph, type GraphSnapshot } from '../../src/modules/recommendation';
import { metadataOf } from '../../src/modules/recommendation/projecting-events/log-metadata';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { ExpectedGraph, recommendationsMatch, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';
import type { CommandLedger, Outcome } from './command-ledger';
import { userNamesOpener } from '../kits/user-names';

type Table = 'user' | 'friend' | 'recommendation';

const ENVELOPE = `event_id as id, type, schema_version as "schemaVersion", stream_id as "streamId",
  stream_version as "streamVersion", occurred_at as "occurredAt", data, metadata`;

/** Events in the order their table holds them: an event store, or the recommendation log. */
export async function eventsOf(cluster: Cluster, table: Table): Promise<EventEnvelope[]> {
  const from = table === 'recommendation' ? 'received_events' : 'events';
  const rows = await cluster.query<Omit<EventEnvelope, 'metadata'> & { occurredAt: Date; metadata: EventEnvelope['metadata'] | Uint8Array }>(table, `select ${ENVELOPE} from ${from} order by position`);
  // The log keeps metadata as bytes (log-metadata.ts); the event stores as JSON.
  return rows.map((r) => ({ ...r, metadata: r.metadata instanceof Uint8Array ? metadataOf(r.metadata) : r.metadata, occurredAt: new Date(r.occurredAt).toISOString() }));
}

const count = async (cluster: Cluster, table: Table, sql: string) => Number((await cluster.query<{ n: string }>(table, sql))[0]!.n);

export async function snapshotOf(events: readonly EventEnvelope[]): Promise<GraphSnapshot> {
  const graph = new MemoryGraph();
  // Whatever the graph cannot use (an event a scenario injected) is left out, as the projector does.
  await graph.apply(events.flatMap((e) => {
    const c = classify(e);
    return c.ok ? [c.event] : [];
  }));
  return graph.snapshot();
}

/** The first difference between two snapshots, in words; undefined when they are equal. */
export function snapshotDifference(got: GraphSnapshot, want: GraphSnapshot): string | undefined {
  if (JSON.stringify(got) === JSON.stringify(want)) return undefined;
  /** Each entry's JSON by key, with how often the key occurs: a doubled edge shows as a count of 2. */
  const keyed = (items: unknown[], key: (i: any) => string) => {
    const out = new Map<string, { json: string; times: number }>();
    for (const i of items) out.set(key(i), { json: JSON.stringify(i), times: (out.get(key(i))?.times ?? 0) + 1 });
    return out;
  };
  const describe = (e?: { json: string; times: number }) => (e ? `${e.json}${e.times > 1 ? ` x${e.times}` : ''}` : 'nothing');
  for (const [part, key] of [['users', (u: any) => String(u.id)], ['friendships', (f: any) => f.join('-')], ['streams', (s: any) => s[0]]] as const) {
    const g = keyed(got[part], key);
    const w = keyed(want[part], key);
    for (const k of new Set([...w.keys(), ...g.keys()])) {
      if (describe(g.get(k)) !== describe(w.get(k))) return `${part} ${k}: got ${describe(g.get(k))}, expected ${describe(w.get(k))}`;
    }
  }
  return 'snapshots differ in order only';
}

/** User events with their names opened (sealed since version 2), as `{ userId, firstName, lastName }`; blank for an erasure. */
async function openedUserEvents(cluster: Cluster, userEvents: readonly EventEnvelope[]): Promise<EventEnvelope[]> {
  const names = await userNamesOpener(cluster);
  return userEvents.map((e) => {
    const data = e.data as Record<string, any>;
    const opened = names.ofEvent(data) ?? { firstName: '', lastName: '' };
    return { ...e, data: { userId: data.userId, ...opened } };
  });
}

/** Current state per stream, folded from a store (user events opened): the read models must show exactly this. */
function foldStores(userEvents: readonly EventEnvelope[], friendEvents: readonly EventEnvelope[]) {
  const users = new Map<number, string>();
  for (const e of userEvents) {
    const d = e.data as { userId: number; firstName: string; lastName: string };
    users.set(d.userId, `${d.userId}:${d.firstName}:${d.lastName}`);
  }
  const friendships = new Map<string, string | undefined>();
  for (const e of friendEvents) {
    const d = e.data as { friendshipId: number; userId: number; friendId: number };
    friendships.set(e.streamId, e.type === 'FriendAdded' ? `${d.friendshipId}:${d.userId}:${d.friendId}` : undefined);
  }
  return {
    users: [...users.values()].sort(),
    friendships: [...friendships.values()].filter((f): f is string => f !== undefined).sort(),
    created: new Set(userEvents.filter((e) => e.type === 'UserCreated').map((e) => (e.data as { userId: number }).userId)),
  };
}

/** What the public API must answer, from the stores: a pair is friends iff its latest event added it. */
function expectedFromStores(userEvents: readonly EventEnvelope[], friendEvents: readonly EventEnvelope[]): ExpectedGraph {
  const model = new ExpectedGraph();
  for (const e of userEvents) {
    const user = { id: (e.data as { userId: number }).userId, ...(e.data as { firstName: string; lastName: string }) };
    if (e.type === 'UserCreated') model.userCreated(user);
    else model.userUpdated(user, e.streamVersion);
  }
  for (const e of friendEvents) {
    const { userId, friendId } = e.data as { userId: number; friendId: number };
    if (e.type === 'FriendAdded') model.friendAdded(userId, friendId);
    else model.friendRemoved(userId, friendId);
  }
  return model;
}

export interface AuditOptions {
  /** Event ids a scenario put on the bus itself, which no store holds: the log may hold each once. */
  injected?: ReadonlySet<string>;
  /** Bounds the wait for the projections to catch up: lagging longer is a failure, not slowness. */
  convergeMs?: number;
  /** Users whose recommendations are also read through the gateway (default: up to 30 of them). */
  apiSample?: number;
}

export interface AuditSummary {
  commands: Record<Outcome, number>;
  /** Commands without a definite answer whose event turned out to be committed. */
  unknownCommitted: number;
  events: { user: number; friend: number };
  logged: number;
  graph: { users: number; friendships: number };
}

/**
 * Waits until the outboxes are empty and the log, the friend service's user replica and the graph
 * have caught up with the event stores, then checks, and throws listing every violation:
 * - an acknowledged (2xx) command has exactly one event, a refused one none, an unanswered one at
 *   most one; no store holds an event of a command nobody sent;
 * - the read models (users, friendships, known users) are exactly the stores folded;
 * - the recommendation log holds every stored event exactly once, and nothing else but injections;
 * - the Neo4j graph equals the graph of the stores' events and a rebuild from the log, and the
 *   gateway's recommendations match the stores.
 */
export async function expectExactlyOnce(cluster: Cluster, ledger: CommandLedger, options: AuditOptions = {}): Promise<AuditSummary> {
  const injected = options.injected ?? new Set<string>();
  let userEvents: EventEnvelope[] = [];
  let friendEvents: EventEnvelope[] = [];
  let expected: GraphSnapshot | undefined;

  await eventually('the outboxes to drain, and the log, the user replica and the graph to show every stored event', async () => {
    const outbox = { user: await count(cluster, 'user', 'select count(*) as n from outbox'), friend: await count(cluster, 'friend', 'select count(*) as n from outbox') };
    if (outbox.user + outbox.friend > 0) return `outbox rows: ${JSON.stringify(outbox)}`;
    [userEvents, friendEvents] = [await eventsOf(cluster, 'user'), await eventsOf(cluster, 'friend')];
    const logged = new Set((await eventsOf(cluster, 'recommendation')).map((e) => e.id));
    const missing = [...userEvents, ...friendEvents].filter((e) => !logged.has(e.id));
    if (missing.length > 0) return `${missing.length} stored events not in the recommendation log yet, e.g. ${missing[0]!.streamId} v${missing[0]!.streamVersion}`;
    const known = new Set((await cluster.query<{ id: number }>('friend', 'select id from known_users')).map((r) => r.id));
    const unknown = [...foldStores(userEvents, []).created].filter((id) => !known.has(id));
    if (unknown.length > 0) return `${unknown.length} created users not in the friend service's replica yet, e.g. ${unknown[0]}`;
    expected = await snapshotOf([...userEvents, ...friendEvents]);
    return snapshotDifference(await cluster.graphSnapshot(), expected) ?? true;
  }, options.convergeMs ?? 90_000, 250);

  const problems: string[] = [];
  const stored = [...userEvents.map((e) => ['user', e] as const), ...friendEvents.map((e) => ['friend', e] as const)];

  // Answers against the stores.
  const byRequest = new Map<string, number>();
  for (const [store, e] of stored) byRequest.set(`${store}:${e.metadata.correlationId}`, (byRequest.get(`${store}:${e.metadata.correlationId}`) ?? 0) + 1);
  let unknownCommitted = 0;
  for (const entry of ledger.entries) {
    const events = byRequest.get(`${entry.store}:${entry.requestId}`) ?? 0;
    const allowed = entry.outcome === 'applied' ? [1] : entry.outcome === 'refused' ? [0] : [0, 1];
    if (!allowed.includes(events)) problems.push(`${entry.command} ${entry.requestId} answered ${entry.status} and has ${events} events (allowed: ${allowed.join(' or ')})`);
    if (entry.outcome === 'unknown' && events === 1) unknownCommitted++;
  }
  const sent = new Set(ledger.entries.map((e) => `${e.store}:${e.requestId}`));
  const strays = [...byRequest.keys()].filter((k) => !sent.has(k));
  if (strays.length > 0) problems.push(`events of commands nobody sent: ${strays.slice(0, 5).join(', ')}`);

  // Read models against the stores.
  const openedUsers = await openedUserEvents(cluster, userEvents);
  const folded = foldStores(openedUsers, friendEvents);
  const names = await userNamesOpener(cluster);
  const userRows = await cluster.query<{ id: number; sealed_names: string | null; first_name: string | null; last_name: string | null }>('user', 'select id, sealed_names, first_name, last_name from users');
  const users = userRows.map((r) => { const n = names.ofRow(r); return `${r.id}:${n?.firstName ?? ''}:${n?.lastName ?? ''}`; }).sort();
  if (JSON.stringify(users) !== JSON.stringify(folded.users)) problems.push(`users read model: ${users.length} rows, the stores fold to ${folded.users.length}; e.g. ${users.find((u) => !folded.users.includes(u)) ?? folded.users.find((u) => !users.includes(u))}`);
  const friendships = (await cluster.query<{ row: string }>('friend', `select id || ':' || user_id || ':' || friend_id as row from friendships`)).map((r) => r.row).sort();
  if (JSON.stringify(friendships) !== JSON.stringify(folded.friendships)) problems.push(`friendships read model: ${friendships.length} rows, the stores fold to ${folded.friendships.length}; e.g. ${friendships.find((f) => !folded.friendships.includes(f)) ?? folded.friendships.find((f) => !friendships.includes(f))}`);
  const known = (await cluster.query<{ id: number }>('friend', 'select id from known_users')).map((r) => r.id);
  const extraKnown = known.filter((id) => !folded.created.has(id));
  if (extraKnown.length > 0 || known.length !== folded.created.size) problems.push(`known_users: ${known.length} ids for ${folded.created.size} created users; not created: ${extraKnown.slice(0, 5).join(', ')}`);

  // The log against the stores: every stored event exactly once, nothing else but injections.
  const log = await eventsOf(cluster, 'recommendation');
  const storedIds = new Set(stored.map(([, e]) => e.id));
  const seen = new Map<string, number>();
  for (const e of log) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1);
  if (twice.length > 0) problems.push(`events logged more than once: ${twice.slice(0, 5).map(([id, n]) => `${id} x${n}`).join(', ')}`);
  const foreign = [...seen.keys()].filter((id) => !storedIds.has(id) && !injected.has(id));
  if (foreign.length > 0) problems.push(`logged events no store holds: ${foreign.slice(0, 5).join(', ')}`);

  // The graph: equal to the stores' (checked while converging) and to a rebuild from the log.
  const graph = await cluster.graphSnapshot();
  const fromStores = snapshotDifference(graph, expected!);
  if (fromStores) problems.push(`graph vs the stores' events: ${fromStores}`);
  const fromLog = snapshotDifference(graph, await snapshotOf(log));
  if (fromLog) problems.push(`graph vs a rebuild from the log: ${fromLog}`);
  const model = expectedFromStores(openedUsers, friendEvents);
  const sample = [...model.users.keys()].slice(-(options.apiSample ?? 30));
  // A recommendation process just restarted is routable once the gateway's cached list of
  // instances has its new address; until then the gateway rightly answers 503 (no live instance).
  await eventually('the gateway to reach the recommendation service', async () => (await cluster.api('GET', '/recommendation/actuator/health')).status === 200, 30_000, 100);
  const api = await recommendationsMatch(cluster, model, sample);
  if (api !== true) problems.push(`through the gateway: ${api}`);

  const summary: AuditSummary = {
    commands: ledger.outcomes(),
    unknownCommitted,
    events: { user: userEvents.length, friend: friendEvents.length },
    logged: log.length,
    graph: { users: graph.users.length, friendships: graph.friendships.length },
  };
  if (problems.length > 0) throw new Error(`exactly-once audit failed (${JSON.stringify(summary)}):\n- ${problems.join('\n- ')}`);
  return summary;
}
