import { Elysia, t } from 'elysia';
import { adminGroup, type AdminAccess } from '../../../platform/http/admin-access';

/** What the module gives its admin routes. */
export interface ProjectionAdmin {
  status(): Promise<unknown>;
  /** Starts a rebuild and returns at once (409 while one runs); progress shows in status(). */
  startRebuild(): unknown;
  audit(): Promise<unknown>;
}

// Hidden from OpenAPI: these are for operators on the module's own port, and the gateway's merged
// document (built from the modules' documents) must not advertise what it refuses to route.
const hidden = { hide: true } as const;

/** `/admin/projection` on the recommendation module's own port (never routed by the gateway). */
export function projectionAdminRoutes(admin: ProjectionAdmin, access: AdminAccess) {
  return new Elysia()
    .use(adminGroup(access))
    .get('/admin/projection', () => admin.status(), { detail: hidden })
    .post(
      '/admin/projection/rebuild',
      async ({ set }) => {
        const progress = await admin.startRebuild();
        set.status = 202;
        return progress;
      },
      { detail: hidden, response: { 202: t.Unknown() } },
    )
    .post('/admin/projection/audit', () => admin.audit(), { detail: hidden });
}
