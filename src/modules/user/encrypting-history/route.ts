import { Elysia, t } from 'elysia';
import { adminGroup, type AdminAccess } from '../../../platform/http/admin-access';
import type { HistoryEncryption } from './encrypt-history';

// Hidden from OpenAPI, like every `/admin` route: for operators on the module's own port only.
const hidden = { hide: true } as const;

/** `/admin/history/encrypt` on the user module's own port: start `encrypt-history` (202), follow it. */
export function historyAdminRoutes(job: HistoryEncryption, access: AdminAccess) {
  return new Elysia()
    .use(adminGroup(access))
    .get('/admin/history/encrypt', () => job.status(), { detail: hidden })
    .post(
      '/admin/history/encrypt',
      ({ set }) => {
        const progress = job.start();
        set.status = 202;
        return progress;
      },
      { detail: hidden, response: { 202: t.Unknown() } },
    );
}
