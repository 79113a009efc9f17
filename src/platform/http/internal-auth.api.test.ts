import { describe, expect, test } from 'bun:test';
import { silentLogger } from '../log';
import { call } from '../../../test/kits/http';
import { createHttpApp } from './app';
import { createInternalAuth } from './internal-auth';
import { INTERNAL_CREDENTIAL_HEADER } from './internal-credential';

const SECRET = 'an-internal-secret-that-is-long-enough-for-hs256';

/** A module in miniature: one write, one read, behind the platform's app with or without the guard. */
function service(guarded: boolean) {
  const auth = createInternalAuth({ secret: SECRET, service: 'user' });
  let writes = 0;
  const app = createHttpApp({ name: 'user', log: silentLogger, health: async () => true, ...(guarded ? { guard: auth.guard } : {}) })
    .get('/v1/users/:id', ({ params }) => ({ id: Number(params.id) }))
    .put('/v1/users/:id', ({ params }) => (writes++, { id: Number(params.id) }));
  return { app, writes: () => writes };
}

const gateway = createInternalAuth({ secret: SECRET, service: 'gateway' });
const friend = createInternalAuth({ secret: SECRET, service: 'friend' });
const stranger = createInternalAuth({ secret: 'not-the-shared-secret-but-long-enough-anyway', service: 'gateway' });

describe('a module behind the internal-credential guard', () => {
  test('without a credential: 401 problem+json, forged identity header or not; nothing changes', async () => {
    const s = service(true);
    const attempts: Record<string, string>[] = [{}, { 'x-authenticated-user': '2' }, { authorization: 'Bearer whatever' }];
    for (const headers of attempts) {
      const res = await call(s.app, 'PUT', '/v1/users/2', {}, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: expect.stringContaining(INTERNAL_CREDENTIAL_HEADER) });
      expect((await call(s.app, 'GET', '/v1/users/2', undefined, headers)).status).toBe(401);
    }
    expect(s.writes()).toBe(0);
  });

  test("the gateway's word for a user passes on writes; a mismatching identity header is refused", async () => {
    const s = service(true);
    const vouched = await gateway.userHeaders('user', '2');
    expect((await call(s.app, 'PUT', '/v1/users/2', {}, vouched)).status).toBe(200);
    expect((await call(s.app, 'PUT', '/v1/users/2', {}, { ...vouched, 'x-authenticated-user': '2' })).status).toBe(200);
    expect((await call(s.app, 'PUT', '/v1/users/2', {}, { ...vouched, 'x-authenticated-user': '3' })).status).toBe(401);
    // Addressed to another service.
    expect((await call(s.app, 'PUT', '/v1/users/2', {}, await gateway.userHeaders('friend', '2'))).status).toBe(401);
    expect(s.writes()).toBe(2);
  });

  test("a service's own credential reads only; a wrongly signed one nothing", async () => {
    const s = service(true);
    const own = await friend.callHeaders('user');
    expect((await call(s.app, 'GET', '/v1/users/2', undefined, own)).status).toBe(200);
    const write = await call(s.app, 'PUT', '/v1/users/2', {}, own);
    expect(write.status).toBe(401);
    expect(write.body.detail).toBe('service friend may only read from this service');
    const forged = await call(s.app, 'GET', '/v1/users/2', undefined, await stranger.userHeaders('user', '2'));
    expect(forged.status).toBe(401);
    expect(forged.body.detail).toBe('internal credential has a bad signature');
    expect(s.writes()).toBe(0);
  });

  test('health and metrics stay open; a refusal is counted like any answer', async () => {
    const s = service(true);
    await call(s.app, 'PUT', '/v1/users/2', {});
    expect((await call(s.app, 'GET', '/actuator/health')).status).toBe(200);
    expect((await call(s.app, 'GET', '/actuator/health/liveness')).status).not.toBe(401);
    const metrics = await call(s.app, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('status="401"');
    expect((await call(s.app, 'POST', '/actuator/health')).status).toBe(401);
    expect((await call(s.app, 'GET', '/metrics/../v1/users/2')).status).not.toBe(200);
  });

  test('/admin is left to its own ADMIN_TOKEN check (admin-access.ts): no internal credential is asked', async () => {
    const s = service(true);
    // Not 401: the guard let it through, and this miniature module has no admin route.
    expect((await call(s.app, 'POST', '/admin/projection/rebuild')).status).toBe(404);
    expect((await call(s.app, 'GET', '/admin/../v1/users/2')).status).toBe(401);
    expect((await call(s.app, 'GET', '/administrator')).status).toBe(401);
  });

  test('without the guard (AUTH_MODE=off) the module is as open as before', async () => {
    const s = service(false);
    expect((await call(s.app, 'PUT', '/v1/users/2', {})).status).toBe(200);
  });
});
