import type { Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { idReserve } from '../../platform/db/id-reserve';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import type { EventBus } from '../../platform/events/bus';
import { commandMetrics } from '../../platform/events/command-metrics';
import { commandRunner } from '../../platform/events/command-runner';
import { declareAggregate } from '../../platform/events/decider';
import { OutboxRelay, type RelayOptions } from '../../platform/events/outbox-relay';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { adminStreams } from '../../platform/events/stream-heads';
import type { AdminAccess } from '../../platform/http/admin-access';
import { createHttpApp } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import { openApi } from '../../platform/http/openapi';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { ConsistencyGate } from '../../platform/consistency/consistency-gate';
import { encodeToken } from '../../platform/consistency/token';
import { DEFAULT_CONSISTENCY, type ConsistencyOptions } from '../../platform/consistency/options';
import { userStream, type UserDeps } from './user-aggregate';
import { KeyStore } from './personal-data/key-store';
import { HistoryEncryption } from './encrypting-history/encrypt-history';
import { historyAdminRoutes } from './encrypting-history/route';
import type { MasterKey } from './personal-data/master-key';
import { registerUserGauges } from './user-metrics';
import { usersReadModel } from './user-read-model';
import { userStreamId } from './contracts/events';
import { isUserStream, userIdOfStream, userVersions } from './getting-user/user-versions';
import { indexFeed } from './searching-users/index-feed';
import { NameIndex } from './searching-users/name-index';
import { searchingUsers } from './searching-users/route';
import { creatingUser } from './creating-user/route';
import { erasingUser } from './erasing-user/route';
import { gettingUser } from './getting-user/route';
import { namingUsers } from './naming-users/route';
import { updatingUser } from './updating-user/route';
import type { UserRouteDeps } from './route-deps';

export const userMigrationsFolder = migrationsFolder(import.meta.dir, 'user');

export interface UserModuleDeps {
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  relay?: RelayOptions;
  /** Served on `/metrics`; the entrypoint passes one per module. */
  metrics?: Metrics;
  /** With user authentication on: serve only requests carrying an internal credential (see platform/http/internal-auth). */
  internalAuth?: InternalAuth;
  /** Read your writes: CONSISTENCY_WAIT_MS and CONSISTENCY_MAX_WAITERS. */
  consistency?: ConsistencyOptions;
  /** Who may read `/admin/streams` on this module's own port; refused to everyone when omitted. */
  admin?: AdminAccess;
  /** Wraps every user's data key (PII_MASTER_KEY); see personal-data/ and "Erasing a user" in the README. */
  masterKey: MasterKey;
  /** During a rotation, the master key being retired (PII_PREVIOUS_MASTER_KEY): keys wrapped with it are rewrapped at start. */
  previousMasterKey?: MasterKey;
}

/**
 * The user aggregate's commands, one line each. A command's folder holds its whole use case: the
 * decision (decide, evolve, read-model projection) the aggregate is declared from, and its route.
 */
const userCommands = [creatingUser, updatingUser, erasingUser];

export const userAggregate = declareAggregate({ ...userStream, decisions: userCommands.map((command) => command.decision) });

/** Named for the commands_total counter, so each outcome starts at 0. */
export const USER_COMMANDS = userAggregate.commandTypes;

/** How often the name index picks up changes other instances made. */
const NAME_INDEX_CATCH_UP_MS = 2000;
/** How often a search waiting for a Consistency-Token makes the name index catch up (one query for all such searches). */
const NAME_INDEX_RECHECK_MS = 50;

/** The user domain service: owns users, event-sourced, publishes `user-events`. */
export function createUserModule({ database, bus, clock, log, relay: relayOptions, metrics = new Metrics({ service: 'user' }), internalAuth, consistency = DEFAULT_CONSISTENCY, admin = { openWithoutToken: false }, masterKey, previousMasterKey }: UserModuleDeps) {
  const keyLog = log.child({ component: 'key-store' });
  const keys = new KeyStore(database.db, masterKey, keyLog, { ownsWriteAheadLog: database.ownedByThisProcess, ...(previousMasterKey ? { previous: previousMasterKey } : {}) });
  const relay = new OutboxRelay(database, bus, log.child({ component: 'outbox-relay' }), relayOptions, metrics);
  // The read model is written in the command's own transaction: a token of this service is
  // reached as soon as its command answered, on any instance; only a forged one waits (and 503s).
  const gate = new ConsistencyGate({ ...consistency, covers: isUserStream, versionsOf: (streams) => userVersions(database.db, streams), metrics });
  const names = new NameIndex();
  const namesFeed = indexFeed(database.db, keys, names, log.child({ component: 'name-index' }));
  // The name index trails the table for writes of other instances: it catches up before a search waits.
  const searchGate = new ConsistencyGate({
    ...consistency,
    covers: isUserStream,
    versionsOf: async (streams) => streams.map((s) => names.versionOf(userIdOfStream(s))),
    catchUp: namesFeed.refresh,
    recheckMs: NAME_INDEX_RECHECK_MS,
    metrics,
  });
  const onCommitted = () => {
    relay.committed();
    gate.notify();
  };
  const commands = commandMetrics(metrics, USER_COMMANDS);
  const runner = commandRunner(database, userAggregate, { clock, metrics: commands, onCommitted });
  const deps: UserDeps = { db: database.db, nextUserId: idReserve(database, 'user_ids'), runner, commands, keys };
  const tokenOf = (id: number, version: number) => encodeToken([[userStreamId(id), version]]);
  const routeDeps: UserRouteDeps = { deps, gate, tokenOf, names, searchGate };
  registerUserGauges(metrics, database.db);

  const app = createHttpApp({ name: 'user', log, health: () => database.ping(), metrics, guard: internalAuth?.guard })
    .use(openApi('User service', 'Creates and updates users; each change is an event.', { internalCredential: internalAuth !== undefined }))
    .use(adminStreams(database.db, admin))
    .use(historyAdminRoutes(new HistoryEncryption(database.db, keys, log.child({ component: 'encrypt-history' })), admin));
  for (const command of userCommands) app.use(command.routes(routeDeps));
  app.use(namingUsers(routeDeps)).use(gettingUser(routeDeps)).use(searchingUsers(routeDeps));

  return {
    name: 'user',
    app,
    // Before serving: a read model that disagrees with the events would answer wrongly (404, 412).
    connect: async () => {
      await verifyReadModel('user', database, usersReadModel, userAggregate, log);
      await keys.checkMasterKeys();
      const rewrapped = await keys.rewrapPrevious();
      if (rewrapped > 0) keyLog.info('user keys rewrapped with the new master key; PII_PREVIOUS_MASTER_KEY may now be removed', { rewrapped });
      await namesFeed.load();
    },
    start: () => {
      namesFeed.start(NAME_INDEX_CATCH_UP_MS);
      return relay.start();
    },
    stop: async () => {
      await namesFeed.stop();
      await relay.stop();
      await keys.stop();
    },
  } satisfies ModuleInstance;
}
