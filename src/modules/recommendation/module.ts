import { systemClock, type Clock } from '../../platform/clock';
import { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { DEFAULT_CONSISTENCY, type ConsistencyOptions } from '../../platform/consistency/options';
import type { Database } from '../../platform/db/database';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import type { EventBus } from '../../platform/events/bus';
import type { EventEnvelope } from '../../platform/events/envelope';
import { subscribeObserved } from '../../platform/events/observed-subscription';
import type { AdminAccess } from '../../platform/http/admin-access';
import { createHttpApp } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import { openApi } from '../../platform/http/openapi';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { FRIEND_EVENTS_TOPIC } from '../friend/contracts/events';
import { USER_EVENTS_TOPIC, userStreamId } from '../user/contracts/events';
import { userServiceClient, type UserServiceAccess } from '../user/contracts/user-client';
import { MemoryGraph } from './graph/memory-graph';
import { isDurable, type SocialGraph } from './graph/social-graph';
import { erasuresIn, type GraphEvent } from './graph/graph-events';
import { isGraphStream } from './graph/stream-ids';
import { GraphLifecycle } from './graph-lifecycle/graph-lifecycle';
import { DurableFeed } from './graph-lifecycle/durable-feed';
import { LogReplica } from './graph-lifecycle/log-replica';
import { announceLogWrite } from './graph-lifecycle/log-writes';
import { ReplicaSnapshots } from './graph-lifecycle/replica-snapshots';
import { ServingGraph } from './graph-lifecycle/serving-graph';
import { projectionAdminRoutes } from './operating-projection/admin-routes';
import type { StreamSource } from './operating-projection/audit';
import { ProjectionOperations } from './operating-projection/projection-operations';
import { DEFAULT_NAME_CACHE_SIZE, NameCache } from './naming-users/name-cache';
import { UserNamer, type NameSource } from './naming-users/user-namer';
import { EventProjector } from './projecting-events/event-projector';
import { queryRoutes } from './querying/routes';
import { PastAnswers } from './querying-the-past/past-answers';
import { createEventStream } from './streaming-events/event-stream';
import { eventStreamRoute } from './streaming-events/route';

export const recommendationMigrationsFolder = migrationsFolder(import.meta.dir, 'recommendation');

export const RECOMMENDATION_GROUP = 'recommendation';

export interface RecommendationModuleDeps {
  /** Holds this service's own log of received events. */
  database: Database;
  bus: EventBus;
  /**
   * Defaults to the in-memory graph, rebuilt from the log at `connect()`. A DurableGraph (Neo4j)
   * is only caught up with the log rows after its checkpoint.
   */
  graph?: SocialGraph;
  log: Logger;
  /** Times snapshots and answers as of now; defaults to the system clock. */
  clock?: Clock;
  /** Served on `/metrics`; the entrypoint passes one per module. */
  metrics?: Metrics;
  /** With user authentication on: serve only requests carrying an internal credential (see platform/http/internal-auth). */
  internalAuth?: InternalAuth;
  /** Read your writes: CONSISTENCY_WAIT_MS and CONSISTENCY_MAX_WAITERS. */
  consistency?: ConsistencyOptions;
  /** Who may use `/admin/projection` on this module's own port; refused to everyone when omitted. */
  admin?: AdminAccess;
  /** The domain services' stream heads, compared with the log by the audit. */
  auditSources?: StreamSource[];
  /** The fresh graph a rebuild or an audit fills from the log; a MemoryGraph by default. */
  newGraph?: () => SocialGraph;
  /** Log rows per page when replaying. */
  replayPageSize?: number;
  /** New log rows between snapshots of an in-memory graph or of the replica (graph-lifecycle/snapshots.ts, replica-snapshots.ts). */
  snapshotEvery?: number;
  /**
   * Where answers get their names: the user service, found through discovery (in the all-in-one
   * too, as the friend service finds it). Without it (the service run alone) names are null.
   */
  userService?: Omit<UserServiceAccess, 'internalAuth' | 'log'>;
  /** Instead of `userService`: a source of names of one's own (a test's user module in this process). */
  names?: NameSource;
  /** Users whose names are kept in memory at most (RECOMMENDATION_NAME_CACHE_SIZE). */
  nameCacheSize?: number;
  /**
   * Answer reads from an in-memory replica of the whole graph, fed by tailing the log that every
   * instance of the consumer group writes (graph-lifecycle/log-replica.ts), instead of from `graph`,
   * which is still written as the durable graph. For a graph shared by several instances (Neo4j).
   */
  readReplica?: boolean;
  /** How often the replica reads the log for the other instances' rows. */
  replicaPollMs?: number;
}

/**
 * When reads come from a graph shared by several instances (RECOMMENDATION_READS=neo4j), how often
 * each drops the names the graph has moved past (see UserNamer.sweep): an erasure another instance
 * consumed leaves this one's memory within it. (A replica hands every erasure to erasedFromReads.)
 */
const NAME_SWEEP_MS = 30_000;

/**
 * A graph shared by several instances (Neo4j) is also written by the others, whose applies do not
 * wake this instance's waiting reads: they re-check the graph this often (one indexed look-up for
 * all of them), besides at each local apply.
 */
const SHARED_GRAPH_RECHECK_MS = 25;

/** For a consumer that only logs: the replica takes the events once logged, the durable graph from the log. */
const NOTHING_ELSE = { apply: async () => {} };

/**
 * The recommendation aggregate service: read-only. Consumes user and friend events into its own
 * log and a graph, and answers mutual friends and friend recommendations from the graph.
 */
export function createRecommendationModule({
  database,
  bus,
  graph: base = new MemoryGraph(),
  log,
  clock = systemClock,
  metrics = new Metrics({ service: 'recommendation' }),
  internalAuth,
  admin = { openWithoutToken: false },
  auditSources = [],
  newGraph = () => new MemoryGraph(),
  replayPageSize: pageSize,
  snapshotEvery,
  consistency = DEFAULT_CONSISTENCY,
  userService,
  names,
  nameCacheSize = DEFAULT_NAME_CACHE_SIZE,
  readReplica = false,
  replicaPollMs,
}: RecommendationModuleDeps) {
  // What reads and live events go to: the given graph, or a stand-in while a rebuild reloads it.
  const graph = new ServingGraph(base);
  const stream = createEventStream({ db: database.db, log: log.child({ component: 'event-stream' }) });
  const replica = readReplica
    ? new LogReplica({
        db: database.db,
        graph: new MemoryGraph(),
        log: log.child({ component: 'replica' }),
        onApplied: (erased) => {
          gate.notify();
          erasedFromReads(erased);
        },
        pageSize,
        pollMs: replicaPollMs,
        notifications: database,
        snapshots: new ReplicaSnapshots({ database, clock, log: log.child({ component: 'replica' }), everyEvents: snapshotEvery }),
      })
    : undefined;
  // With replicas, the durable graph is fed from the log by one instance (durable-feed.ts) instead
  // of by each consumer before its ack: a Neo4j pause then holds up only Neo4j.
  const feed = replica && isDurable(base) ? new DurableFeed({ database, graph: base, log: log.child({ component: 'durable-feed' }), pageSize, pollMs: replicaPollMs }) : undefined;
  const projector = new EventProjector({
    db: database.db,
    graph: feed ? NOTHING_ELSE : graph,
    clock,
    log: log.child({ component: 'projector' }),
    // What this instance logs reaches its replica as soon as the rows commit, without waiting for a
    // poll (nor for the durable graph, when the consumer still writes it).
    // The other instances' replicas (and the durable feed) are told at once too, not at their next poll.
    ...(replica
      ? {
          onLogged: (events: readonly GraphEvent[]) => {
            announceLogWrite(database);
            return replica.applyLocal(events);
          },
        }
      : {}),
  });
  // What queries are answered from: the replica when there is one, else the served graph.
  const reads: SocialGraph = replica?.graph ?? graph;
  // Reads from a graph the other instances write too (RECOMMENDATION_READS=neo4j): what they apply
  // reaches this instance neither through its consumer nor through a replica.
  const readsSharedGraph = isDurable(base) && !replica;
  // The projection is the eventually consistent part: a read with a token waits for the graph's
  // own stream versions, which are what the answer is computed from (the log may be ahead).
  const gate: ConsistencyGate = new ConsistencyGate({
    ...consistency,
    covers: isGraphStream,
    versionsOf: (streams) => reads.streamVersions(streams),
    // The replica wakes waiting reads itself, as it applies the other instances' rows.
    ...(readsSharedGraph ? { recheckMs: SHARED_GRAPH_RECHECK_MS } : {}),
    metrics,
  });
  let connecting: Promise<void> | undefined;
  const exclusive = <T>(work: () => Promise<T>) => projector.exclusive(work);
  // Fed from the log, the durable graph catches up and keeps its position by itself.
  const lifecycle: GraphLifecycle | undefined = feed ? undefined : new GraphLifecycle({ db: database.db, graph: base, exclusive, rebuild: () => rebuild(), clock, log, pageSize, snapshotEvery });

  const operations = new ProjectionOperations({
    db: database.db,
    base,
    serving: graph,
    projector,
    newGraph,
    clock,
    log,
    metrics,
    pageSize,
    sources: auditSources,
    ...(bus.consumerLag
      ? { consumerLag: async () => (await bus.consumerLag!(RECOMMENDATION_GROUP, [USER_EVENTS_TOPIC, FRIEND_EVENTS_TOPIC])).reduce((n, p) => n + p.lag, 0) }
      : {}),
    ...(feed ? { durable: feed } : lifecycle?.checkpoints ? { durable: lifecycle.checkpoints } : {}),
    ...(replica ? { replica: () => replica.status() } : {}),
  });

  /** Rebuilds the graph from the log while reads go on (see graph-lifecycle/online-rebuild.ts). */
  const rebuild = async () => {
    const result = await operations.rebuild();
    gate.notify(); // reads that waited while the graph was rebuilt
    return result;
  };

  // From the graph itself (a count in Neo4j), so it shows what queries are answered from.
  metrics.gauge('graph_users', 'Users in the recommendation graph', [], async (g) => g.set((await graph.stats()).users));
  metrics.gauge('graph_friendships', 'Friendships in the recommendation graph, each pair once', [], async (g) => g.set((await graph.stats()).friendships));

  const past = new PastAnswers(database.db);
  const nameCache = new NameCache(nameCacheSize);
  const namer = new UserNamer(nameCache, names ?? userServiceNames(userService, internalAuth, log), log.child({ component: 'names' }));
  /**
   * The graph that answers reads has applied these erasures: the users' names leave this
   * instance's memory, where a read just before may have put them again. Said by the replica when
   * reads come from one (it applies every erasure, the ones the other instances consumed too), else
   * by the consumer, once its batch is applied.
   */
  const erasedFromReads = (userIds: readonly number[]) => {
    for (const userId of userIds) namer.forget(userId);
  };
  metrics.gauge('names_cached', 'User names the recommendation service holds in memory (read from the user service)', [], (g) => g.set(nameCache.size));
  const sweeping = readsSharedGraph
    ? setInterval(() => {
        namer.sweep((ids) => reads.streamVersions(ids.map(userStreamId))).catch((error: Error) => log.warn('name cache sweep failed', { error: error.message }));
      }, NAME_SWEEP_MS)
    : undefined;
  sweeping?.unref?.();

  // Ready when both stores answer: reads come from the graph, the log feeds it. (Not the bus: its
  // outage delays the graph, which the consumer lag shows, and takes no read away.)
  const ready = async () => (await database.ping()) && ((await graph.ping?.()) ?? true);
  const app = createHttpApp({ name: 'recommendation', log, health: ready, metrics, guard: internalAuth?.guard })
    .use(openApi('Recommendation service', 'Mutual friends and friend recommendations, projected from user and friend events.'))
    .use(queryRoutes({ graph: reads, past, gate, clock, namer }))
    .use(eventStreamRoute(stream))
    .use(projectionAdminRoutes(operations, admin));

  const instance = {
    name: 'recommendation',
    app,
    /** Rebuilds (or catches up) the graph from the log, then subscribes: the graph is complete before any query. */
    connect: () =>
      (connecting ??= (async () => {
        // Both only read the log: the replica fills while a durable graph catches up.
        await Promise.all([lifecycle?.start(), replica?.start()]);
        await feed?.start();
        const consumer = {
          group: RECOMMENDATION_GROUP,
          topics: [USER_EVENTS_TOPIC, FRIEND_EVENTS_TOPIC],
          handle: async (topic: string, events: readonly EventEnvelope[]) => {
            await projector.handle(topic, events);
            // A replica has said so already, as the projector handed it the batch.
            if (!replica) erasedFromReads(erasuresIn(events));
            gate.notify();
            stream.notify();
            // Not waited for: a checkpoint or snapshot write here would hold up the next fetch, and
            // so every event behind it.
            lifecycle?.afterBatch(projector.counts.stored);
          },
          onDeadLetter: () => projector.noteRejected(),
        };
        await subscribeObserved(bus, consumer, { metrics, log });
      })().catch((error) => {
        connecting = undefined;
        throw error;
      })),
    /** Rebuilds the graph from the log while reads go on; resolves once the new graph serves. */
    rebuild,
    /** Status, rebuild progress and audit (also served on `/admin/projection`). */
    operations,
    /** Consumer counters: received, stored, ignored, rejected. */
    stats: () => ({ ...projector.counts }),
    /** Ends the open event streams, which would otherwise hold the server's graceful stop. */
    drain: () => stream.close(),
    stop: async () => {
      clearInterval(sweeping);
      stream.close();
      await projector.stop();
      await replica?.stop();
      await feed?.stop();
      await lifecycle?.stop();
    },
  };
  return instance satisfies ModuleInstance;
}

export type RecommendationModule = ReturnType<typeof createRecommendationModule>;

function userServiceNames(userService: RecommendationModuleDeps['userService'], internalAuth: InternalAuth | undefined, log: Logger): NameSource | undefined {
  if (!userService) return undefined;
  const client = userServiceClient({ ...userService, internalAuth, log });
  return (ids, traceparent) => client.names(ids, traceparent);
}
