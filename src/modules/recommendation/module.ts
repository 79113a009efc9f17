import { max } from 'drizzle-orm';
import { t } from 'elysia';
import { systemClock, type Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import type { EventBus } from '../../platform/events/bus';
import type { EventEnvelope } from '../../platform/events/envelope';
import { subscribeObserved } from '../../platform/events/observed-subscription';
import { createHttpApp } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { FRIEND_EVENTS_TOPIC } from '../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../user/contracts/events';
import {
  FriendRecommendationSchema,
  MutualFriendsQuery,
  RecommendationUserSchema,
  RecommendFriendsQuery,
  UserIdParams,
} from './contracts/http';
import { MemoryGraph } from './graph/memory-graph';
import type { SocialGraph } from './graph/social-graph';
import type { AdminAccess } from '../../platform/http/admin-access';
import type { StreamSource } from './operating-projection/audit';
import { projectionAdminRoutes } from './operating-projection/admin-routes';
import { ProjectionOperations } from './operating-projection/projection-operations';
import { replayLog } from './operating-projection/replay';
import { ServingGraph } from './operating-projection/serving-graph';
import { mutualFriendsDocs, recommendFriendsDocs } from './querying/docs';
import { parseAsOf } from './querying-the-past/as-of';
import { PastAnswers } from './querying-the-past/past-answers';
import { EventProjector } from './projecting-events/event-projector';
import { receivedEvents } from './schema';
import { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { DEFAULT_CONSISTENCY, type ConsistencyOptions } from '../../platform/consistency/options';
import { CONSISTENCY_TOKEN_HEADER } from '../../platform/consistency/token';
import { isGraphStream } from './graph/stream-ids';
import { eventStreamRoute } from './streaming-events/route';
import { createEventStream } from './streaming-events/event-stream';

export const recommendationMigrationsFolder = migrationsFolder(import.meta.dir, 'recommendation');

export const RECOMMENDATION_GROUP = 'recommendation';
const DEFAULT_LIMIT = 100;
const CHECKPOINT_EVERY_MS = 5000;

/**
 * A graph that outlives the process (Neo4j): it keeps a log position such that every row up to it
 * is applied, or belongs to a batch not yet acknowledged (which the bus delivers again). Start-up
 * then replays only the rows after it instead of clearing and replaying the whole log; replaying
 * more than needed is harmless, since applying is idempotent.
 */
export interface DurableGraph extends SocialGraph {
  /** 0 for a new or cleared graph. */
  checkpoint(): Promise<number>;
  /** Raises the checkpoint; never lowers it. */
  saveCheckpoint(position: number): Promise<void>;
}

const isDurable = (graph: SocialGraph): graph is DurableGraph => 'checkpoint' in graph && 'saveCheckpoint' in graph;

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
  /** Stamps `received_at`; defaults to the system clock. */
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
}

/**
 * A graph shared by several instances (Neo4j) is also written by the others, whose applies do not
 * wake this instance's waiting reads: they re-check the graph this often (one indexed look-up for
 * all of them), besides at each local apply.
 */
const SHARED_GRAPH_RECHECK_MS = 25;

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
  consistency = DEFAULT_CONSISTENCY,
}: RecommendationModuleDeps) {
  // What reads and live events go to: the given graph, or a stand-in while a rebuild reloads it.
  const graph = new ServingGraph(base);
  const stream = createEventStream({ db: database.db, log: log.child({ component: 'event-stream' }) });
  const projector = new EventProjector({ db: database.db, graph, clock, log: log.child({ component: 'projector' }) });
  // The projection is the eventually consistent part: a read with a token waits for the graph's
  // own stream versions, which are what the answer is computed from (the log may be ahead).
  const gate = new ConsistencyGate({
    ...consistency,
    covers: isGraphStream,
    versionsOf: (streams) => graph.streamVersions(streams),
    ...(isDurable(base) ? { recheckMs: SHARED_GRAPH_RECHECK_MS } : {}),
    metrics,
  });
  let connecting: Promise<void> | undefined;
  const durable = isDurable(base) ? base : undefined;
  /** Whether the graph holds the whole log: only then may a checkpoint be saved. */
  let complete = false;
  let checkpointedAt = Number.NEGATIVE_INFINITY;
  /** The last checkpoint save; the consumer does not wait for it, stop() does. */
  let saving: Promise<void> = Promise.resolve();

  const lastLogPosition = async () => (await database.db.select({ last: max(receivedEvents.position) }).from(receivedEvents))[0]?.last ?? 0;

  /** Replays the rows after the checkpoint; a checkpoint beyond the log means another log built the graph. */
  async function catchUp(graph: DurableGraph): Promise<{ events: number; from: number }> {
    const from = await graph.checkpoint();
    if (from > (await lastLogPosition())) {
      log.warn('the graph is ahead of the event log that feeds it: rebuilding it', { checkpoint: from });
      return { ...(await rebuild()), from: 0 };
    }
    // Events the graph cannot use were reported when they were received.
    const { events } = await replayLog(database.db, graph, { after: from, pageSize, onPage: ({ last }) => graph.saveCheckpoint(last) });
    complete = true;
    return { events, from };
  }

  /** Saves the last log position: every row is applied or in a batch the bus will deliver again. */
  function checkpoint(force: boolean): Promise<void> {
    const now = clock.now().getTime();
    if (!durable || !complete || (!force && now - checkpointedAt < CHECKPOINT_EVERY_MS)) return saving;
    checkpointedAt = now;
    return (saving = (async () => {
      try {
        await durable.saveCheckpoint(await lastLogPosition());
      } catch (error) {
        log.warn('could not save the graph checkpoint; the next start replays more of the log', { error });
      }
    })());
  }

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
    ...(durable
      ? {
          durable: {
            checkpoint: () => durable.checkpoint(),
            suspend: async () => {
              complete = false;
              // A save still in flight must not land on the cleared graph: it would skip rows at the next start.
              await saving;
            },
            resume: async () => {
              complete = true;
              await checkpoint(true);
            },
          },
        }
      : {}),
  });

  /** Rebuilds the graph from the log while reads go on (see operating-projection/online-rebuild.ts). */
  const rebuild = async () => {
    const result = await operations.rebuild();
    gate.notify(); // reads that waited while the graph was rebuilt
    return result;
  };

  // From the graph itself (a count in Neo4j), so it shows what queries are answered from.
  metrics.gauge('graph_users', 'Users in the recommendation graph', [], async (g) => g.set((await graph.stats()).users));
  metrics.gauge('graph_friendships', 'Friendships in the recommendation graph, each pair once', [], async (g) => g.set((await graph.stats()).friendships));

  // Answers with `asOf`. The two handlers below are `async`: as plain arrows returning either of two
  // promises, Elysia 1.4 checked the response schema against something else (every call a 400).
  const past = new PastAnswers(database.db);

  // Ready when both stores answer: reads come from the graph, the log feeds it. (Not the bus: its
  // outage delays the graph, which the consumer lag shows, and takes no read away.)
  const ready = async () => (await database.ping()) && ((await graph.ping?.()) ?? true);
  const app = createHttpApp({ name: 'recommendation', log, health: ready, metrics, guard: internalAuth?.guard })
    .use(openApi('Recommendation service', 'Mutual friends and friend recommendations, projected from user and friend events.'))
    .get(
      '/v1/users/:userId/commands/findMutualFriends',
      async ({ params: { userId }, query: { friendId, limit, asOf }, request, set }) => {
        // The log is written before the graph, so a token the graph honours is in the log for asOf too.
        await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
        return asOf === undefined
          ? graph.mutualFriends(userId, friendId, limit ?? DEFAULT_LIMIT)
          : past.mutualFriends(userId, friendId, parseAsOf(asOf, clock.now()), limit ?? DEFAULT_LIMIT);
      },
      {
        params: UserIdParams,
        query: MutualFriendsQuery,
        response: { 200: t.Array(RecommendationUserSchema), 400: ProblemSchema, 503: ProblemSchema },
        detail: mutualFriendsDocs,
      },
    )
    .get(
      '/v1/users/:userId/commands/recommendFriends',
      async ({ params: { userId }, query: { limit, asOf }, request, set }) => {
        await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
        return asOf === undefined
          ? graph.recommendFriends(userId, limit ?? DEFAULT_LIMIT)
          : past.recommendFriends(userId, parseAsOf(asOf, clock.now()), limit ?? DEFAULT_LIMIT);
      },
      {
        params: UserIdParams,
        query: RecommendFriendsQuery,
        response: { 200: t.Array(FriendRecommendationSchema), 400: ProblemSchema, 503: ProblemSchema },
        detail: recommendFriendsDocs,
      },
    )
    .use(eventStreamRoute(stream))
    .use(projectionAdminRoutes(operations, admin));

  const instance = {
    name: 'recommendation',
    app,
    /** Rebuilds (or catches up) the graph from the log, then subscribes: the graph is complete before any query. */
    connect: () =>
      (connecting ??= (async () => {
        if (durable) log.info('graph caught up with the event log', { ...(await catchUp(durable)), ...(await graph.stats()) });
        else log.info('graph rebuilt from the event log', { events: (await replayLog(database.db, graph, { pageSize })).events, ...(await graph.stats()) });
        const consumer = {
          group: RECOMMENDATION_GROUP,
          topics: [USER_EVENTS_TOPIC, FRIEND_EVENTS_TOPIC],
          handle: async (topic: string, events: readonly EventEnvelope[]) => {
            await projector.handle(topic, events);
            gate.notify();
            stream.notify();
            // Not awaited: the batch is applied, and a graph write here (every few seconds) would
            // hold up the next fetch, and so every event behind it. It never throws.
            void checkpoint(false);
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
      stream.close();
      await projector.stop();
      await saving;
      await checkpoint(true);
    },
  };
  return instance satisfies ModuleInstance;
}

export type RecommendationModule = ReturnType<typeof createRecommendationModule>;
