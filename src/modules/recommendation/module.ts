import { join } from 'node:path';
import { t } from 'elysia';
import { systemClock, type Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import type { EventBus } from '../../platform/events/bus';
import { createHttpApp } from '../../platform/http/app';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
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
import { EventProjector } from './projecting-events/event-projector';

export const recommendationMigrationsFolder = join(import.meta.dir, 'migrations');

export const RECOMMENDATION_GROUP = 'recommendation';
const DEFAULT_LIMIT = 100;

export interface RecommendationModuleDeps {
  /** Holds this service's own log of received events. */
  database: Database;
  bus: EventBus;
  /** Defaults to the in-memory graph, rebuilt from the log at `connect()`. */
  graph?: SocialGraph;
  log: Logger;
  /** Stamps `received_at`; defaults to the system clock. */
  clock?: Clock;
}

/**
 * The recommendation aggregate service: read-only. Consumes user and friend events into its own
 * log and a graph, and answers mutual friends and friend recommendations from the graph.
 */
export function createRecommendationModule({ database, bus, graph = new MemoryGraph(), log, clock = systemClock }: RecommendationModuleDeps) {
  const projector = new EventProjector({ db: database.db, graph, clock, log: log.child({ component: 'projector' }) });
  let connecting: Promise<void> | undefined;

  const app = createHttpApp({ name: 'recommendation', log, health: () => database.ping() })
    .use(openApi('Recommendation service', 'Mutual friends and friend recommendations, projected from user and friend events.'))
    .get(
      '/v1/users/:userId/commands/findMutualFriends',
      ({ params: { userId }, query: { friendId, limit } }) => graph.mutualFriends(userId, friendId, limit ?? DEFAULT_LIMIT),
      {
        params: UserIdParams,
        query: MutualFriendsQuery,
        response: { 200: t.Array(RecommendationUserSchema), 400: ProblemSchema },
        detail: { tags: ['recommendation'], summary: 'Friends both users have, by id (unknown users have none)' },
      },
    )
    .get(
      '/v1/users/:userId/commands/recommendFriends',
      ({ params: { userId }, query: { limit } }) => graph.recommendFriends(userId, limit ?? DEFAULT_LIMIT),
      {
        params: UserIdParams,
        query: RecommendFriendsQuery,
        response: { 200: t.Array(FriendRecommendationSchema), 400: ProblemSchema },
        detail: { tags: ['recommendation'], summary: 'Friends of friends, most mutual friends first, ties by id' },
      },
    );

  const instance = {
    name: 'recommendation',
    app,
    /** Rebuilds the graph from the log, then subscribes; the graph is complete before any query. */
    connect: () =>
      (connecting ??= (async () => {
        const { events } = await projector.rebuild();
        log.info('graph rebuilt from the event log', { events, ...(await graph.stats()) });
        await bus.subscribe({
          group: RECOMMENDATION_GROUP,
          topics: [USER_EVENTS_TOPIC, FRIEND_EVENTS_TOPIC],
          handle: (topic, events) => projector.handle(topic, events),
        });
      })().catch((error) => {
        connecting = undefined;
        throw error;
      })),
    /** Drops the graph and replays the log into it (tests, operations). */
    rebuild: () => projector.rebuild(),
    /** Consumer counters: received, stored, ignored, rejected. */
    stats: () => ({ ...projector.counts }),
    stop: () => projector.stop(),
  };
  return instance satisfies ModuleInstance;
}

export type RecommendationModule = ReturnType<typeof createRecommendationModule>;
