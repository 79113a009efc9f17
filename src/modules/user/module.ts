import { t } from 'elysia';
import type { Clock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { idReserve } from '../../platform/db/id-reserve';
import { migrationsFolder } from '../../platform/db/migrations-folder';
import type { EventBus } from '../../platform/events/bus';
import { commandMetrics } from '../../platform/events/command-metrics';
import { OutboxRelay, type RelayOptions } from '../../platform/events/outbox-relay';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { adminStreams } from '../../platform/events/stream-heads';
import type { AdminAccess } from '../../platform/http/admin-access';
import { createHttpApp, requestMetadata } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { CreateUserBody, UpdateUserBody, UserId, UserSchema } from './contracts/http';
import { createUser } from './creating-user/create-user';
import { createUserDocs } from './creating-user/docs';
import { getUserDocs } from './getting-user/docs';
import { getUser } from './getting-user/get-user';
import { updateUserDocs } from './updating-user/docs';
import { updateUser } from './updating-user/update-user';
import { USER_COMMANDS } from './user-commands';
import { registerUserGauges } from './user-metrics';
import { etagOf } from './user-projection';
import { usersReadModel } from './user-read-model';

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
  /** Who may read `/admin/streams` on this module's own port; refused to everyone when omitted. */
  admin?: AdminAccess;
}

const IdParams = t.Object({ id: UserId });

/**
 * The app reads every body as strict JSON and refuses other content types with 415 (see
 * platform/http/json-body.ts). Declared here too, so that the OpenAPI document lists only
 * `application/json` as the accepted body type.
 */
const JSON_BODY = 'json' as const;

/** The user domain service: owns users, event-sourced, publishes `user-events`. */
export function createUserModule({ database, bus, clock, log, relay: relayOptions, metrics = new Metrics({ service: 'user' }), internalAuth, admin = { openWithoutToken: false } }: UserModuleDeps) {
  const relay = new OutboxRelay(database, bus, log.child({ component: 'outbox-relay' }), relayOptions, metrics);
  const deps = { db: database.db, nextUserId: idReserve(database, 'user_ids'), clock, onCommitted: () => relay.committed(), commands: commandMetrics(metrics, USER_COMMANDS) };
  registerUserGauges(metrics, database.db);

  const app = createHttpApp({ name: 'user', log, health: () => database.ping(), metrics, guard: internalAuth?.guard })
    .use(openApi('User service', 'Creates and updates users; each change is an event.', { internalCredential: internalAuth !== undefined }))
    .use(adminStreams(database.db, admin))
    .post(
      '/v1/users',
      async ({ body, request, set }) => {
        const { user, version } = await createUser(deps, body, requestMetadata(request));
        set.status = 201;
        set.headers.etag = etagOf(version);
        set.headers.location = `/v1/users/${user.id}`;
        return user;
      },
      {
        parse: JSON_BODY,
        body: CreateUserBody,
        response: { 201: UserSchema, 400: ProblemSchema, 503: ProblemSchema },
        detail: createUserDocs,
      },
    )
    .get(
      '/v1/users/:id',
      async ({ params, set }) => {
        const { user, version } = await getUser(deps.db, params.id);
        set.headers.etag = etagOf(version);
        return user;
      },
      {
        params: IdParams,
        response: { 200: UserSchema, 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
        detail: getUserDocs,
      },
    )
    .put(
      '/v1/users/:id',
      async ({ params, body, request, set }) => {
        const metadata = requestMetadata(request);
        const { user, version } = await updateUser(deps, params.id, body, request.headers.get('if-match'), metadata);
        set.headers.etag = etagOf(version);
        return user;
      },
      {
        params: IdParams,
        parse: JSON_BODY,
        body: UpdateUserBody,
        headers: t.Object({ 'if-match': t.Optional(t.String({ description: 'ETag from a previous read; 412 if stale' })) }),
        response: { 200: UserSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 412: ProblemSchema, 503: ProblemSchema },
        detail: updateUserDocs,
      },
    );

  return {
    name: 'user',
    app,
    // Before serving: a read model that disagrees with the events would answer wrongly (404, 412).
    connect: () => verifyReadModel('user', database, usersReadModel, log),
    start: () => relay.start(),
    stop: () => relay.stop(),
  } satisfies ModuleInstance;
}
