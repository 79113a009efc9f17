import type { Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { idReserve } from '../../platform/db/id-reserve';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import type { EventBus } from '../../platform/events/bus';
import { commandMetrics } from '../../platform/events/command-metrics';
import { commandRunner } from '../../platform/events/command-runner';
import { declareAggregate } from '../../platform/events/decider';
import { subscribeObserved } from '../../platform/events/observed-subscription';
import { OutboxRelay, type RelayOptions } from '../../platform/events/outbox-relay';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { adminStreams } from '../../platform/events/stream-heads';
import type { AdminAccess } from '../../platform/http/admin-access';
import { createHttpApp } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import type { Fetch } from '../../platform/http/local-fetch';
import { openApi } from '../../platform/http/openapi';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { DEFAULT_CONSISTENCY, type ConsistencyOptions } from '../../platform/consistency/options';
import { encodeToken } from '../../platform/consistency/token';
import { streamVersions } from '../../platform/events/event-store';
import { addingFriend } from './adding-friend/route';
import { friendshipStreamId } from './contracts/events';
import { friendshipStream, type FriendDeps } from './friendship-aggregate';
import { friendshipsReadModel } from './friendship-read-model';
import { registerFriendGauges } from './friend-metrics';
import { gettingFriendship } from './getting-friendship/route';
import { UserDirectory } from './knowing-users/user-directory';
import { userServiceClient } from '../user/contracts/user-client';
import { forgetErasedUser } from './knowing-users/forget-erased-user';
import { userEventsConsumer } from './knowing-users/user-events-consumer';
import { listingFriends } from './listing-friends/route';
import { removingFriend } from './removing-friend/route';
import type { FriendRouteDeps } from './route-deps';

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

/**
 * The friendship aggregate's commands, one line each. A command's folder holds its whole use case:
 * the decision (decide, evolve, read-model projection) the aggregate is declared from, and its route.
 */
const friendshipCommands = [addingFriend, removingFriend];

export const friendshipAggregate = declareAggregate({ ...friendshipStream, decisions: friendshipCommands.map((command) => command.decision) });

/** Named for the commands_total counter, so each outcome starts at 0. */
export const FRIEND_COMMANDS = friendshipAggregate.commandTypes;

/** The friend domain service: owns friendships, keeps their integrity, publishes `friend-events`. */
export function createFriendModule({ database, bus, clock, log, relay: relayOptions, fetch, discoveryUrl, discoveryToken, discoveryRefreshMs, metrics = new Metrics({ service: 'friend' }), internalAuth, consistency = DEFAULT_CONSISTENCY, admin = { openWithoutToken: false } }: FriendModuleDeps) {
  const relay = new OutboxRelay(database, bus, log.child({ component: 'outbox-relay' }), relayOptions, metrics);
  // Friendships are read from the read model written in the command's own transaction, so a
  // friendship token is reached once its command answered, on any instance. Friend reads show no
  // user data: a user token asks nothing of them (friend's replica of users only serves commands).
  const gate = new ConsistencyGate({ ...consistency, covers: (s) => FRIENDSHIP_STREAM.test(s), versionsOf: (streams) => streamVersions(database.db, streams), metrics });
  const tokenOf = (userId: number, friendId: number, version: number) => encodeToken([[friendshipStreamId(userId, friendId), version]]);
  const users = new UserDirectory(database.db, userServiceClient({ fetch, discoveryUrl, discoveryToken, discoveryRefreshMs, internalAuth, log }));
  const onCommitted = () => {
    relay.committed();
    gate.notify();
  };
  const commands = commandMetrics(metrics, FRIEND_COMMANDS);
  const runner = commandRunner(database, friendshipAggregate, { clock, metrics: commands, onCommitted });
  const deps: FriendDeps = { db: database.db, nextFriendshipId: idReserve(database, 'friendship_ids'), users, runner, commands };
  const routeDeps: FriendRouteDeps = { deps, gate, tokenOf };
  registerFriendGauges(metrics, database.db);

  const app = createHttpApp({ name: 'friend', log, health: () => database.ping(), metrics, guard: internalAuth?.guard })
    .use(openApi('Friend service', 'Adds and removes friendships; each change is an event.', { internalCredential: internalAuth !== undefined }))
    .use(adminStreams(database.db, admin));
  for (const command of friendshipCommands) app.use(command.routes(routeDeps));
  app.use(listingFriends(routeDeps)).use(gettingFriendship(routeDeps));

  return {
    name: 'friend',
    app,
    // The read model is checked against the events before serving or consuming.
    connect: async () => {
      await verifyReadModel('friend', database, friendshipsReadModel, friendshipAggregate, log);
      await subscribeObserved(bus, userEventsConsumer({ directory: users, forget: (erased) => forgetErasedUser(deps, erased) }), { metrics, log });
    },
    start: () => relay.start(),
    stop: () => relay.stop(),
  } satisfies ModuleInstance;
}
