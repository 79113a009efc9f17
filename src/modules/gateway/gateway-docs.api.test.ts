import { describe, expect, test } from 'bun:test';
import { Elysia, t } from 'elysia';
import { createHttpApp } from '../../platform/http/app';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema } from '../../platform/http/problem';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { gatewayWorld } from '../../../test/kits/gateway/world';
import { isObject } from '../../platform/http/openapi-normalize';

/** Two upstreams built like the real modules (platform app + openApi + `t` schemas with $id). */
const Person = t.Object({ id: t.Integer(), firstName: t.String() }, { $id: '#/components/schemas/Person' });
const Link = t.Object({ id: t.Integer(), from: t.Integer(), to: t.Integer() }, { $id: '#/components/schemas/Link' });
// Same name in both upstreams, different shapes: the merge must keep both.
const ThingA = t.Object({ a: t.String() }, { $id: '#/components/schemas/Thing' });
const ThingB = t.Object({ b: t.Integer() }, { $id: '#/components/schemas/Thing' });

let personDocReads = 0;
const personService = () =>
  createHttpApp({ name: 'person', log: silentLogger, health: async () => true })
    .onRequest(({ request }) => void (new URL(request.url).pathname === '/swagger/json' && personDocReads++))
    .use(openApi('Person service', 'people'))
    .post('/v1/people', ({ body }) => ({ id: 1, ...body }), {
      body: t.Object({ firstName: t.String({ minLength: 1 }) }),
      response: { 201: Person, 400: ProblemSchema },
      detail: { tags: ['person'], summary: 'Create a person' },
    })
    .get('/v1/people/:id', () => ({ id: 1, firstName: 'A' }), {
      params: t.Object({ id: t.Integer() }),
      response: { 200: Person, 404: ProblemSchema },
      detail: { tags: ['person'] },
    })
    .get('/v1/things', () => [], { response: { 200: t.Array(ThingA) } });

const linkService = () =>
  createHttpApp({ name: 'link', log: silentLogger, health: async () => true })
    .use(openApi('Link service', 'links'))
    .get('/v1/people/:id/links', () => [], {
      params: t.Object({ id: t.Integer() }),
      query: t.Object({ limit: t.Optional(t.Integer()) }),
      response: { 200: t.Array(Link), 400: ProblemSchema },
      detail: { tags: ['link'] },
    })
    .get('/v1/things', () => [], { response: { 200: t.Array(t.Object({ thing: ThingB, weight: t.Integer() })) } });

async function mergedDoc(docsCacheMs?: number) {
  const w = gatewayWorld(createDiscoveryModule, { docsCacheMs });
  await w.register('user', 'person-1', personService());
  await w.register('friend', 'link-1', linkService());
  // recommendation has no instance: it must be named as missing, not break the document.
  return { ...w, doc: (await call(w.gateway.app, 'GET', '/swagger/json')).body };
}

/** Follows a local `$ref` to its target, failing the test when it dangles. */
function resolve(doc: any, node: any): any {
  if (!node?.$ref) return node;
  const target = node.$ref.replace(/^#\//, '').split('/').reduce((at: any, key: string) => at?.[key], doc);
  if (target === undefined) throw new Error(`dangling $ref ${node.$ref}`);
  return resolve(doc, target);
}

function everyNode(node: unknown, visit: (n: Record<string, any>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => everyNode(n, visit));
  else if (isObject(node)) {
    visit(node);
    Object.values(node).forEach((n) => everyNode(n, visit));
  }
}

describe('merged OpenAPI at /swagger/json', () => {
  test('has every upstream operation under its prefix, with request and response schemas', async () => {
    const { doc } = await mergedDoc();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/actuator/health', '/actuator/health/liveness', '/actuator/health/readiness', '/console/api/system',
      '/friend/actuator/health', '/friend/actuator/health/liveness', '/friend/actuator/health/readiness', '/friend/v1/people/{id}/links', '/friend/v1/things',
      '/user/actuator/health', '/user/actuator/health/liveness', '/user/actuator/health/readiness', '/user/v1/people', '/user/v1/people/{id}', '/user/v1/things',
    ]);
    const create = doc.paths['/user/v1/people'].post;
    expect(create.operationId).toBe('userPostV1People');
    expect(create.tags).toEqual(['user/person']);
    expect(resolve(doc, create.requestBody.content['application/json'].schema).properties.firstName).toMatchObject({ type: 'string', minLength: 1 });
    expect(Object.keys(create.responses['201'].content)).toEqual(['application/json']);
    expect(Object.keys(resolve(doc, create.responses['201'].content['application/json'].schema).properties)).toEqual(['id', 'firstName']);
    expect(Object.keys(resolve(doc, create.responses['400'].content['application/problem+json'].schema).properties)).toEqual(['type', 'title', 'status', 'detail', 'instance']);
    const links = doc.paths['/friend/v1/people/{id}/links'].get;
    expect(links.operationId).toBe('friendGetV1PeopleByIdLinks');
    expect(links.parameters.map((p: any) => `${p.in}:${p.name}`).sort()).toEqual(['header:Consistency-Token', 'path:id', 'query:limit']);
    expect(Object.keys(resolve(doc, resolve(doc, links.responses['200'].content['application/json'].schema).items).properties)).toEqual(['id', 'from', 'to']);
  });

  test('shares identical components, renames colliding ones, and every $ref resolves', async () => {
    const { doc } = await mergedDoc();
    const schemas = doc.components.schemas;
    expect(schemas.Person).toBeDefined();
    expect(schemas.Link).toBeDefined();
    expect(schemas.Problem).toBeDefined();
    expect(Object.keys(schemas).filter((n) => n.endsWith('Problem')).sort()).toEqual(['GatewayProblem', 'Problem']);
    expect(Object.keys(schemas).filter((n) => n.includes('Thing')).sort()).toEqual(['Thing', 'friend.Thing']);
    const friendThings = resolve(doc, doc.paths['/friend/v1/things'].get.responses['200'].content['application/json'].schema);
    expect(resolve(doc, friendThings.items.properties.thing).properties).toHaveProperty('b');
    const userThings = resolve(doc, doc.paths['/user/v1/things'].get.responses['200'].content['application/json'].schema);
    expect(resolve(doc, userThings.items).properties).toHaveProperty('a');
    everyNode(doc, (node) => {
      if (typeof node.$ref === 'string') resolve(doc, node);
      expect(node).not.toHaveProperty('$id');
    });
  });

  test("is valid where Elysia's output is not: responses have descriptions; gateway errors and health are documented", async () => {
    const { doc } = await mergedDoc();
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        for (const response of Object.values<any>(op.responses)) expect(typeof resolve(doc, response).description).toBe('string');
      }
    }
    expect(resolve(doc, doc.paths['/user/v1/people/{id}'].get.responses['503']).content['application/problem+json']).toBeDefined();
    expect(doc.paths['/actuator/health'].get.operationId).toBe('gatewayHealth');
    expect(doc.info.description).toContain('recommendation (/recommendation): no live instance');
  });

  test('is cached for docsCacheMs', async () => {
    personDocReads = 0;
    const { gateway } = await mergedDoc(60_000);
    await call(gateway.app, 'GET', '/swagger/json');
    await Promise.all([call(gateway.app, 'GET', '/swagger/json'), call(gateway.app, 'GET', '/swagger/json')]);
    expect(personDocReads).toBe(1);
  });
});

describe('Swagger UI at /swagger', () => {
  test('points at the merged document and loads only assets the gateway serves itself', async () => {
    const { gateway } = gatewayWorld(createDiscoveryModule);
    const page = await call(gateway.app, 'GET', '/swagger');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html: string = page.body;
    expect(html).toContain('"/swagger/json"');
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/swagger/assets/swagger-ui-bundle.js', '/swagger/assets/swagger-ui.css']);
    for (const asset of assets) {
      const res = await gateway.app.handle(new Request(`http://localhost${asset}`));
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(1_000);
    }
  });
});

test('a fake Elysia app without openApi does not break the merge', async () => {
  const w = gatewayWorld(createDiscoveryModule);
  await w.register('user', 'bare', new Elysia().get('/v1/x', () => 'x'));
  const doc = (await call(w.gateway.app, 'GET', '/swagger/json')).body;
  expect(doc.info.description).toContain('user (/user): answered 404');
  expect(doc.paths['/actuator/health']).toBeDefined();
});
