import { afterAll, describe, expect, test } from 'bun:test';
import { SignJWT } from 'jose';
import { networkInterfaces } from 'node:os';
import { tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * The all-in-one as started with AUTH_MODE=jwt and HOST=0.0.0.0: the gateway faces the network,
 * the modules' own ports listen on loopback only and answer nothing without the gateway's
 * credential (the process made its internal secret itself: nobody else has it).
 */
const SECRET = 'the-identity-providers-secret-long-enough';
const env = systemEnv(tempDir('all-in-one-trust-'), { HOST: '0.0.0.0', AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET });
let system: System;
afterAll(() => system?.process.proc.kill('SIGKILL'));

const token = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
const bearer = async (sub: string) => ({ authorization: `Bearer ${await token(sub)}` });

/** An address of this machine other than loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const reachable = (url: string) => fetch(url, { signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);

describe('all-in-one with AUTH_MODE=jwt', () => {
  test('through the gateway with a token the API works; straight to a module nothing does', async () => {
    system = await startSystem(env);
    const ada = await system.api('POST', '/user/v1/users', { firstName: 'Ada', lastName: 'L' }, await bearer('1'));
    const alan = await system.api('POST', '/user/v1/users', { firstName: 'Alan', lastName: 'T' }, await bearer('2'));
    expect([ada.status, alan.status]).toEqual([201, 201]);
    const befriend = await system.api('POST', `/friend/v1/users/${ada.body.id}/commands/addFriend?friendId=${alan.body.id}`, undefined, await bearer(String(ada.body.id)));
    expect(befriend.status).toBe(201);

    const module = (name: 'USER' | 'FRIEND' | 'RECOMMENDATION', path: string) => `http://127.0.0.1:${env[`${name}_PORT`]}${path}`;
    const direct = [
      await fetch(module('USER', `/v1/users/${alan.body.id}`), { method: 'PUT', headers: { 'content-type': 'application/json', 'x-authenticated-user': String(alan.body.id) }, body: JSON.stringify({ firstName: 'M', lastName: 'X' }) }),
      await fetch(module('FRIEND', `/v1/users/${alan.body.id}/commands/addFriend?friendId=${ada.body.id}`), { method: 'POST', headers: await bearer(String(alan.body.id)) }),
      await fetch(module('RECOMMENDATION', `/v1/users/${ada.body.id}/commands/recommendFriends`)),
    ];
    expect(direct.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await fetch(module('USER', '/actuator/health'))).status).toBe(200);
    expect((await system.api('GET', `/user/v1/users/${alan.body.id}`, undefined, await bearer('1'))).body.firstName).toBe('Alan');

    // The recommendation service reads names from the user service with its own credential.
    const cleo = await system.api('POST', '/user/v1/users', { firstName: 'Cleo', lastName: 'C' }, await bearer('3'));
    const linked = await system.api('POST', `/friend/v1/users/${alan.body.id}/commands/addFriend?friendId=${cleo.body.id}`, undefined, await bearer(String(alan.body.id)));
    const recommended = await system.api('GET', `/recommendation/v1/users/${ada.body.id}/commands/recommendFriends`, undefined, { ...(await bearer(String(ada.body.id))), 'consistency-token': linked.headers.get('consistency-token')! });
    expect(recommended.status).toBe(200);
    expect(recommended.body).toEqual([{ user: expect.objectContaining({ id: cleo.body.id, firstName: 'Cleo', lastName: 'C' }), weight: 1 }]);
  }, 90_000);

  test.skipIf(!external)('only the gateway listens beyond loopback', async () => {
    expect(await reachable(`http://${external}:${env.GATEWAY_PORT}/actuator/health`)).toBe(true);
    for (const name of ['DISCOVERY', 'USER', 'FRIEND', 'RECOMMENDATION']) {
      expect({ name, reachable: await reachable(`http://${external}:${env[`${name}_PORT`]}/actuator/health`) }).toEqual({ name, reachable: false });
    }
  });
});
