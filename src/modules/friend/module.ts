import { t } from 'elysia';
import type { Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { idReserve } from '../../platform/db/id-reserve';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import { ServiceLocator } from '../../platform/discovery/service-locator';
import type { EventBus } from '../../platform/events/bus';
import { commandMetrics } from '../../platform/events/command-metrics';
import { subscribeObserved } from '../../platform/events/observed-subscription';
import { OutboxRelay, type RelayOptions } from '../../platform/events/outbox-relay';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { adminStreams } from '../../platform/events/stream-heads';
import type { AdminAccess } from '../../platform/http/admin-access';
import { createHttpApp, requestMetadata } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import type { Fetch } from '../../platform/http/local-fetch';
import { openApi } from '../../platform/http/openapi';
import { Id, Limit } from '../../platform/http/paging';
import { ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { DEFAULT_CONSISTENCY, type ConsistencyOptions } from '../../platform/consistency/options';
import { CONSISTENCY_TOKEN_HEADER, encodeToken } from '../../platform/consistency/token';
import { streamVersions } from '../../platform/events/event-store';
import { friendshipStreamId } from './contracts/events';
import { addFriend } from './adding-friend/add-friend';
import { addFriendDocs } from './adding-friend/docs';
import { FriendSchema, friendPaths, friendRoutes } from './contracts/http';
import { FRIEND_COMMANDS } from './friend-commands';
import { friendshipsReadModel } from './friendship-read-model';
import { registerFriendGauges } from './friend-metrics';
import { getFriendshipDocs } from './getting-friendship/docs';
import { getFriendship } from './getting-friendship/get-friendship';
import { UserDirectory } from './knowing-users/user-directory';
import { userEventsConsumer } from './knowing-users/user-events-consumer';
import { listFriendsDocs } from './listing-friends/docs';
import { listFriends } from './listing-friends/list-friends';
import { removeFriendDocs } from './removing-friend/docs';
import { removeFriend } from './removing-friend/remove-friend';

export const friendMigrationsFolder = migrationsFolder(import.meta.dir, 'friend');

export interface FriendModuleDeps {
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  relay?: RelayOptions;
  /** Reaches the user service (through discovery) to confirm users the replica has not seen yet. */
  fetch: Fetch;
  discoveryUrl: string;
  /** Discovery's shared secret, needed to list the user service's instances. */
  discoveryToken?: string;
  discoveryRefreshMs?: number;
  /** Served on `/metrics`; the entrypoint passes one per module. */
  metrics?: Metrics;
  /** With user authentication on: serve only requests carrying an internal credential (see platform/http/internal-auth). */
  internalAuth?: InternalAuth;
  /** Read your writes: CONSISTENCY_WAIT_MS and CONSISTENCY_MAX_WAITERS. */
  consistency?: ConsistencyOptions;
  /** Who may read `/admin/streams` on this module's own port; refused to everyone when omitted. */
  admin?: AdminAccess;
}

const FRIENDSHIP_STREAM = /^friendship-\d{1,10}-\d{1,10}$/;

const PairParams = { params: t.Object({ userId: Id('userId', 'the user acting') }), query: t.Object({ friendId: Id('friendId', 'the other user', 7) }) };

/** The friend domain service: owns friendships, keeps their integrity, publishes `friend-events`. */
export function createFriendModule({ database, bus, clock, log, relay: relayOptions, fetch, discoveryUrl, discoveryToken, discoveryRefreshMs, metrics = new Metrics({ service: 'friend' }), internalAuth, consistency = DEFAULT_CONSISTENCY, admin = { openWithoutToken: false } }: FriendModuleDeps) {
  const relay = new OutboxRelay(database, bus, log.child({ component: 'outbox-relay' }), relayOptions, metrics);
  // Friendships are read from the read model written in the command's own transaction, so a
  // friendship token is reached once its command answered, on any instance. Friend reads show no
  // user data: a user token asks nothing of them (friend's replica of users only serves commands).
  const gate = new ConsistencyGate({ ...consistency, covers: (s) => FRIENDSHIP_STREAM.test(s), versionsOf: (streams) => streamVersions(database.db, streams), metrics });
  const tokenOf = (userId: number, friendId: number, version: number) => encodeToken([[friendshipStreamId(userId, friendId), version]]);
  const users = new UserDirectory(database.db, new ServiceLocator(fetch, discoveryUrl, discoveryRefreshMs ?? 1_000, { token: discoveryToken, log: log.child({ component: 'locator' }) }), fetch, internalAuth);
  const deps = { db: database.db, nextFriendshipId: idReserve(database, 'friendship_ids'), clock, users, onCommitted: () => {
      relay.committed();
      gate.notify();
    }, commands: commandMetrics(metrics, FRIEND_COMMANDS) };
  registerFriendGauges(metrics, database.db);

  const app = createHttpApp({ name: 'friend', log, health: () => database.ping(), metrics, guard: internalAuth?.guard })
    .use(openApi('Friend service', 'Adds and removes friendships; each change is an event.', { internalCredential: internalAuth !== undefined }))
    .use(adminStreams(database.db, admin))
    .post(
      friendRoutes.addFriend,
      async ({ params, query, request, set }) => {
        const { friend, version } = await addFriend(deps, params.userId, query.friendId, requestMetadata(request));
        set.status = 201;
        set.headers[CONSISTENCY_TOKEN_HEADER] = tokenOf(params.userId, query.friendId, version);
        set.headers.location = friendPaths.friendship(friend.id);
        return friend;
      },
      {
        ...PairParams,
        response: { 201: FriendSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 503: ProblemSchema },
        detail: addFriendDocs,
      },
    )
    .post(
      friendRoutes.removeFriend,
      async ({ params, query, request, set }) => {
        const version = await removeFriend(deps, params.userId, query.friendId, requestMetadata(request));
        set.status = 204;
        set.headers[CONSISTENCY_TOKEN_HEADER] = tokenOf(params.userId, query.friendId, version);
      },
      {
        ...PairParams,
        response: { 204: t.Void({ description: 'removed' }), 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
        detail: removeFriendDocs,
      },
    )
    .get(friendRoutes.friendsOf, async ({ params, query, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return listFriends(deps.db, params.userId, query.limit ?? 100);
    }, {
      params: t.Object({ userId: Id('userId', 'whose friends') }),
      query: t.Object({ limit: t.Optional(Limit) }),
      response: { 200: t.Array(FriendSchema), 400: ProblemSchema, 503: ProblemSchema },
      detail: listFriendsDocs,
    })
    .get(friendRoutes.friendship, async ({ params, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return getFriendship(deps.db, params.id);
    }, {
      params: t.Object({ id: Id('id', 'friendship id', 1001) }),
      response: { 200: FriendSchema, 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      detail: getFriendshipDocs,
    });

  return {
    name: 'friend',
    app,
    // The read model is checked against the events before serving or consuming.
    connect: async () => {
      await verifyReadModel('friend', database, friendshipsReadModel, log);
      await subscribeObserved(bus, userEventsConsumer(users), { metrics, log });
    },
    start: () => relay.start(),
    stop: () => relay.stop(),
  } satisfies ModuleInstance;
}
