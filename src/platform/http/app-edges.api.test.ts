import { afterAll, describe, expect, test } from 'bun:test';
import { t } from 'elysia';
import { connect } from 'node:net';
import { silentLogger } from '../log';
import { call } from '../../../test/kits/http';
import { createHttpApp } from './app';
import { Id, Limit } from './paging';

/**
 * What every module app does at its edges, whatever the module: requests no route declares,
 * requests a browser or a scanner sends rather than a client of the API, and values that only
 * look like numbers. Some of it only a real socket shows.
 */
const app = createHttpApp({ name: 'probe', log: silentLogger, health: async () => true })
  .get('/v1/things/:id', ({ params, query }) => ({ id: params.id, limit: query.limit ?? 100 }), {
    params: t.Object({ id: Id('id', 'thing id') }),
    query: t.Object({ limit: t.Optional(Limit), name: t.Optional(t.String()) }),
  })
  .put('/v1/things/:id', ({ params }) => ({ id: params.id }), { params: t.Object({ id: Id('id', 'thing id') }) })
  .post('/v1/things/:id/commands/poke', ({ params, query, body }) => ({ id: params.id, other: query.otherId, body }), {
    params: t.Object({ id: Id('id', 'thing id') }),
    query: t.Object({ otherId: Id('otherId', 'other thing') }),
  });

app.listen({ port: 0, hostname: '127.0.0.1' });
const port = app.server!.port!;
afterAll(() => app.stop(true));

/** One request over a fresh connection, the bytes exactly as given; the raw reply. */
function raw(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(done, 1_000);
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      reply += data;
      // One answer is all a test needs: stop once its body is complete.
      const head = reply.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(reply.slice(0, head))?.[1];
      if (head !== -1 && length !== undefined && reply.length >= head + 4 + Number(length)) done();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

describe('requests no route declares', () => {
  test('a declared path with an undeclared method is 405 with Allow', async () => {
    const res = await call(app, 'DELETE', '/v1/things/7');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, PUT');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toBe('DELETE is not allowed on /v1/things/7; allowed: GET, HEAD, PUT');
    expect((await call(app, 'GET', '/v1/things/7/commands/poke')).headers.get('allow')).toBe('POST');
  });

  test('a path no route declares stays 404', async () => {
    expect((await call(app, 'DELETE', '/v1/nothing')).status).toBe(404);
    expect((await call(app, 'GET', '/v1/things')).status).toBe(404);
  });

  test('routing reads the path, never the Host header', async () => {
    // Elysia assumed hosts of at least 4 characters and cut the path after the 11th: with
    // `Host: x`, `/zz/actuator/health` was routed as `/actuator/health`.
    const reply = await raw('GET /zz/actuator/health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply).toStartWith('HTTP/1.1 404');
    expect((await app.handle(new Request('http://x/zz/metrics'))).status).toBe(404);
    // With an empty or invalid Host, Bun's URL is the path alone, and Elysia (told hosts may be
    // short) took the path to start at the first `/` after the 7th character: `/actuator/health`.
    for (const host of ['', 'a/b', 'a b']) {
      const invalid = await raw(`GET /abcdef/actuator/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      expect(invalid).toStartWith('HTTP/1.1 400');
      expect(invalid).toContain('the request needs a valid Host header and a path');
    }
    expect((await app.handle(new Request('http://x/actuator/health'))).status).toBe(200);
  });

  test('CONNECT gets a bare problem, never a development page with stack frames or paths', async () => {
    // An authority that is no URL (`127.0.0.1:80`) made the error handler throw `Invalid URL`.
    const targets = ['127.0.0.1:80', '[::1]:80', '1:1', 'x:1', 'localhost:1'];
    for (const request of [...targets.map((target) => `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`), 'CONNECT 127.0.0.1:80 HTTP/1.1\r\n\r\n']) {
      const reply = await raw(request);
      expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
      for (const leak of [import.meta.dir, '/src/', '.ts', ' at ', 'node_modules', '<html', 'Error']) expect(reply).not.toContain(leak);
    }
  });
});

test('an error handler that fails still answers a bare problem, never a development page', async () => {
  const broken = createHttpApp({ name: 'broken', log: silentLogger, health: async () => true }).get('/boom', () => {
    throw Object.defineProperty(new Error('boom'), 'status', {
      get() {
        throw new Error('the error handler tripped');
      },
    });
  });
  broken.listen({ port: 0, hostname: '127.0.0.1' });
  try {
    const res = await fetch(`http://127.0.0.1:${broken.server!.port}/boom`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    for (const leak of [import.meta.dir, 'tripped', ' at ', '<html']) expect(text).not.toContain(leak);
  } finally {
    await broken.stop(true);
  }
});

describe('integers in paths and queries', () => {
  test.each(['0x1', '1e3', '01', ' 1', '+1', '1.0', '1_000', '0b1', 'Infinity'])('%j as an id is a 400 naming the parameter', async (id) => {
    const res = await call(app, 'GET', `/v1/things/${encodeURIComponent(id)}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toStartWith('parameter id: expected a plain decimal integer');
  });

  test.each(['0x1', '1e3', '01', '%201', '%2B1', '+1'])('limit=%s is a 400 naming the parameter', async (limit) => {
    const res = await call(app, 'GET', `/v1/things/1?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toStartWith('query limit: expected a plain decimal integer');
  });

  test('plain decimals pass, and ranges are still checked', async () => {
    expect((await call(app, 'GET', '/v1/things/12?limit=5')).body).toEqual({ id: 12, limit: 5 });
    expect((await call(app, 'GET', '/v1/things/0')).status).toBe(400);
    expect((await call(app, 'GET', '/v1/things/1?limit=1001')).status).toBe(400);
    // Text parameters are not numbers: left as they are.
    expect((await call(app, 'GET', '/v1/things/1?name=0x1')).status).toBe(200);
  });

  test('a repeated query parameter is a 400 naming it, whatever its value', async () => {
    for (const query of ['otherId=1&otherId=2', 'otherId=2&otherId=2', 'otherId=2&other%49d=3']) {
      const res = await call(app, 'POST', `/v1/things/1/commands/poke?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('query parameter otherId is repeated; send it once');
    }
    expect((await call(app, 'GET', '/v1/things/1?limit=1&limit=1')).status).toBe(400);
  });
});

describe('commands without a body', () => {
  test('a command whose input is all in the URL needs no body and no content type', async () => {
    const res = await app.handle(new Request('http://localhost/v1/things/1/commands/poke?otherId=2', { method: 'POST' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 1, other: 2, body: null });
  });

  test('but a body it is sent must be JSON', async () => {
    const text = await call(app, 'POST', '/v1/things/1/commands/poke?otherId=2', 'x=1', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const json = await call(app, 'POST', '/v1/things/1/commands/poke?otherId=2', { note: 'ignored' });
    expect(json.status).toBe(200);
  });
});
