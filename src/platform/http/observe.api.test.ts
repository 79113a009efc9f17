import { expect, test } from 'bun:test';
import { t } from 'elysia';
import { notFound } from '../errors';
import { createLogger } from '../log';
import { parseExposition, sumOf } from '../metrics/exposition';
import { Metrics } from '../metrics/metrics';
import { keepsByRatio, type SpanRecord } from '../tracing/spans';
import { call } from '../../../test/kits/http';
import { createHttpApp } from './app';
import { openApi } from './openapi';

function world() {
  const lines: any[] = [];
  const log = createLogger({ module: 'probe' }, 'debug', (line) => lines.push(JSON.parse(line)));
  const metrics = new Metrics({ service: 'probe' });
  const seen: (string | null)[] = [];
  const app = createHttpApp({ name: 'probe', log, health: async () => true, metrics })
    .use(openApi('Probe', 'test'))
    .get('/v1/things/:id', ({ params, request }) => {
      seen.push(request.headers.get('traceparent'));
      if (params.id === 404) throw notFound('no such thing');
      return { id: params.id };
    }, { params: t.Object({ id: t.Integer() }) });
  const samples = async () => parseExposition((await call(app, 'GET', '/metrics')).body);
  return { app, lines, samples, seen, settle: () => Bun.sleep(5) };
}

test('requests are timed by route template, method and status; unmatched paths share one label', async () => {
  const { app, samples, settle } = world();
  await call(app, 'GET', '/v1/things/1');
  await call(app, 'GET', '/v1/things/2');
  await call(app, 'GET', '/v1/things/404');
  await call(app, 'GET', '/v1/things/x');
  await call(app, 'GET', '/nowhere/1');
  await call(app, 'GET', '/nowhere/2');
  await settle(); // Elysia runs after-response hooks in a setImmediate
  const s = await samples();
  const count = (labels: Record<string, string>) => sumOf(s, 'http_server_request_duration_seconds_count', labels);
  expect(count({ route: '/v1/things/:id', status: '200', method: 'GET', service: 'probe' })).toBe(2);
  expect(count({ route: '/v1/things/:id', status: '404' })).toBe(1);
  expect(count({ route: '/v1/things/:id', status: '400' })).toBe(1);
  expect(count({ route: 'unmatched', status: '404' })).toBe(2);
  // No raw path ever becomes a label value.
  expect(s.some((x) => Object.values(x.labels).some((v) => v.includes('/nowhere') || v.includes('/things/1')))).toBe(false);
});

test('/metrics is Prometheus text and is not in the OpenAPI document', async () => {
  const { app } = world();
  const res = await app.handle(new Request('http://localhost/metrics'));
  expect(res.headers.get('content-type')).toStartWith('text/plain');
  expect(await res.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
  const doc = (await call(app, 'GET', '/swagger/json')).body;
  expect(Object.keys(doc.paths)).toContain('/v1/things/{id}');
  expect(Object.keys(doc.paths)).not.toContain('/metrics');
});

test('continues an incoming trace with its own span, and logs one access line carrying it', async () => {
  const { app, lines, seen, settle } = world();
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const res = await call(app, 'GET', '/v1/things/7', undefined, { traceparent: incoming, 'x-request-id': 'req-7' });
  expect(res.headers.get('x-trace-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  // The handler (and the events it appends) see this server's span, a child of the caller's.
  expect(seen[0]).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  expect(seen[0]).not.toBe(incoming);
  await settle();
  const access = lines.find((l) => l.msg === 'request');
  expect(access).toMatchObject({
    level: 'debug',
    module: 'probe',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    correlationId: 'req-7',
    method: 'GET',
    route: '/v1/things/:id',
    path: '/v1/things/7',
    status: 200,
  });
  expect(seen[0]).toContain(access.spanId);
});

test('starts a trace when none came in; a 4xx logs at debug with the problem detail that says why', async () => {
  const { app, lines, seen, settle } = world();
  await call(app, 'GET', '/v1/things/404');
  await call(app, 'GET', '/v1/things/x');
  await call(app, 'DELETE', '/v1/things/1');
  await settle();
  expect(seen[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const access = lines.filter((l) => l.msg === 'request');
  expect(access[0]).toMatchObject({ level: 'debug', status: 404, detail: 'no such thing', traceId: seen[0]!.split('-')[1] });
  expect(access[1]).toMatchObject({ level: 'debug', status: 400, detail: expect.stringContaining('id') });
  expect(access[2]).toMatchObject({ level: 'debug', status: 405, detail: expect.stringContaining('allowed: GET') });
});

test('a 4xx writes no line at info; a 5xx writes one at warn, with its detail', async () => {
  const lines: any[] = [];
  const log = createLogger({ module: 'probe' }, 'info', (line) => lines.push(JSON.parse(line)));
  const app = createHttpApp({ name: 'probe', log, health: async () => true })
    .get('/missing', () => {
      throw notFound('no such thing');
    })
    .get('/broken', () => {
      throw new Error('boom');
    });
  await call(app, 'GET', '/missing');
  await call(app, 'GET', '/broken');
  expect(lines.filter((l) => l.msg === 'request')).toEqual([expect.objectContaining({ level: 'warn', status: 500, detail: 'the request could not be completed' })]);
});

test('with spans exported, a request reports a server span with the ids its log line carries, child of the caller; probes report none', async () => {
  const spans: SpanRecord[] = [];
  const lines: any[] = [];
  const log = createLogger({ module: 'probe' }, 'debug', (line) => lines.push(JSON.parse(line)));
  const metrics = new Metrics({ service: 'probe', spans: { enabled: true, record: (s) => spans.push(s), keepsRoot: () => true } });
  const app = createHttpApp({ name: 'probe', log, health: async () => true, metrics }).get('/v1/things/:id', ({ params }) => ({ id: params.id }));
  const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  await app.handle(new Request('http://localhost/v1/things/7', { headers: { traceparent: caller } }));
  await app.handle(new Request('http://localhost/actuator/health'));
  await app.handle(new Request('http://localhost/metrics'));
  await Bun.sleep(5);
  expect(spans).toHaveLength(1);
  const [span] = spans;
  const line = lines.find((l) => l.msg === 'request' && l.route === '/v1/things/:id');
  expect(span).toMatchObject({ name: 'GET /v1/things/:id', kind: 'server', trace: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: line.spanId, parentSpanId: 'b7ad6b7169203331' }, attributes: { 'http.response.status_code': 200 } });
  expect(span!.endedAt).toBeGreaterThanOrEqual(span!.startedAt);
});

test('a trace begun here is kept by OTEL_TRACES_SAMPLER_ARG, and its flag tells downstream; a caller\'s decision is followed', async () => {
  const spans: SpanRecord[] = [];
  const seen: string[] = [];
  const metrics = new Metrics({ service: 'probe', spans: { enabled: true, record: (s) => spans.push(s), keepsRoot: keepsByRatio(0) } });
  const app = createHttpApp({ name: 'probe', log: createLogger({}, 'error', () => {}), health: async () => true, metrics }).get('/v1/x', ({ request }) => {
    seen.push(request.headers.get('traceparent')!);
    return 'ok';
  });
  await app.handle(new Request('http://localhost/v1/x'));
  await app.handle(new Request('http://localhost/v1/x', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }));
  await Bun.sleep(5);
  expect(seen[0]).toEndWith('-00');
  expect(seen[1]).toEndWith('-01');
  expect(spans.map((s) => s.trace.flags)).toEqual(['00', '01']);
});
