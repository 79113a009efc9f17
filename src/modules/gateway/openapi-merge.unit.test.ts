import { describe, expect, test } from 'bun:test';
import { mergeOpenApi } from './openapi-merge';
import { normalizeUpstreamDoc, type OpenApiDoc } from '../../platform/http/openapi-normalize';

const user = { prefix: '/user', service: 'user' };
const friend = { prefix: '/friend', service: 'friend' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonOf = (schema: object) => ({ 'application/json': { schema } });

const merge = (upstreams: { route: typeof user; doc: OpenApiDoc }[], missing = []) =>
  mergeOpenApi({ title: 'T', description: 'D', own: { paths: {}, components: {} }, gatewayResponses: {}, upstreams, missing });

describe('normalizeUpstreamDoc', () => {
  test('moves $id-named schemas into components and rebuilds response objects Elysia leaves invalid', () => {
    const person = { type: 'object', properties: { id: { type: 'integer' } } };
    const doc = normalizeUpstreamDoc({
      paths: {
        '/p': {
          get: {
            operationId: 'getP',
            responses: {
              // what @elysiajs/swagger emits: the schema's keys on the response, no description
              '200': { $id: '#/components/schemas/Person', type: 'object', content: jsonOf(person) },
              '201': { type: 'array', items: {}, content: jsonOf({ type: 'array', items: { $id: '#/components/schemas/Person', ...person } }) },
            },
          },
        },
      },
    });
    const responses = doc.paths!['/p']!.get.responses;
    expect(responses['200']).toEqual({ description: 'OK', content: jsonOf(ref('Person')) });
    expect(responses['201']).toEqual({ description: 'Created', content: jsonOf({ type: 'array', items: ref('Person') }) });
    expect(doc.components!.schemas).toEqual({ Person: person });
  });

  test('keeps a second, different shape under a taken name inline instead of guessing', () => {
    const doc = normalizeUpstreamDoc({
      paths: {
        '/a': { get: { responses: { '200': { $id: '#/components/schemas/X', content: jsonOf({ type: 'string' }) } } } },
        '/b': { get: { responses: { '200': { $id: '#/components/schemas/X', content: jsonOf({ type: 'integer' }) } } } },
      },
    });
    expect(doc.paths!['/a']!.get.responses['200'].content).toEqual(jsonOf(ref('X')));
    expect(doc.paths!['/b']!.get.responses['200'].content).toEqual(jsonOf({ type: 'integer' }));
  });

  test('names response media types for what the modules send: JSON, errors as problem+json', () => {
    const triple = (schema: object) => ({ 'application/json': { schema }, 'multipart/form-data': { schema }, 'text/plain': { schema } });
    const problem = { type: 'object', properties: { detail: { type: 'string' } } };
    const doc = normalizeUpstreamDoc({
      paths: {
        '/p': {
          get: {
            responses: {
              '200': { content: triple({ type: 'string' }) },
              '400': { $id: '#/components/schemas/Problem', content: triple(problem) },
            },
          },
        },
      },
    });
    const responses = doc.paths!['/p']!.get.responses;
    expect(responses['200'].content).toEqual(jsonOf({ type: 'string' }));
    expect(responses['400'].content).toEqual({ 'application/problem+json': { schema: ref('Problem') } });
  });

  test("states Elysia's lenient numbers, nullables and consts as OpenAPI 3.0 schemas", () => {
    const coerced = (inner: object) => ({ anyOf: [{ format: 'integer', default: 0, type: 'string' }, { type: 'integer', ...inner }] });
    const doc = normalizeUpstreamDoc({
      paths: {
        '/p/{id}': {
          get: {
            parameters: [{ in: 'path', name: 'id', schema: { title: 'id', ...coerced({ minimum: 1 }) } }],
            responses: {},
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: 'object',
            properties: {
              id: coerced({}),
              name: { description: 'd', nullable: true, anyOf: [{ type: 'string' }, { type: 'null' }] },
              status: { anyOf: [{ const: 'UP', type: 'string' }, { const: 'DOWN', type: 'string' }] },
              const: { type: 'string' },
            },
          },
        },
      },
    });
    expect(doc.paths!['/p/{id}']!.get.parameters[0].schema).toEqual({ title: 'id', type: 'integer', minimum: 1 });
    expect(doc.components!.schemas!.Thing.properties).toEqual({
      id: { type: 'integer' },
      name: { description: 'd', nullable: true, type: 'string' },
      status: { anyOf: [{ enum: ['UP'], type: 'string' }, { enum: ['DOWN'], type: 'string' }] },
      const: { type: 'string' },
    });
  });

  test('gives an operation without responses a default one', () => {
    expect(normalizeUpstreamDoc({ paths: { '/a': { get: {} } } }).paths!['/a']!.get.responses).toEqual({ default: { description: 'Response' } });
  });
});

describe('mergeOpenApi', () => {
  const docWith = (schemas: Record<string, object>, path: string, schema: object): OpenApiDoc => ({
    paths: { [path]: { get: { operationId: 'getIt', tags: ['things', 'user'], responses: { '200': { description: 'ok', content: jsonOf(schema) } } } } },
    components: { schemas },
  });

  test('prefixes paths, operationIds and tags by route', () => {
    const merged = merge([{ route: user, doc: docWith({}, '/v1/things', { type: 'string' }) }, { route: friend, doc: docWith({}, '/', { type: 'string' }) }]);
    expect(Object.keys(merged.paths!)).toEqual(['/user/v1/things', '/friend']);
    expect(merged.paths!['/user/v1/things']!.get).toMatchObject({ operationId: 'userGetIt', tags: ['user/things', 'user'] });
    expect(merged.paths!['/friend']!.get).toMatchObject({ operationId: 'friendGetIt', tags: ['friend/things', 'friend/user'] });
  });

  test('shares identical components and renames different ones, rewriting every reference to them', () => {
    const shared = { type: 'object', properties: { detail: { type: 'string' } } };
    const merged = merge([
      { route: user, doc: docWith({ Problem: shared, Item: { type: 'string' }, List: { type: 'array', items: ref('Item') } }, '/a', ref('List')) },
      { route: friend, doc: docWith({ Problem: shared, Item: { type: 'integer' }, List: { type: 'array', items: ref('Item') } }, '/b', ref('List')) },
    ]);
    expect(Object.keys(merged.components!.schemas!).sort()).toEqual(['Item', 'List', 'Problem', 'friend.Item', 'friend.List']);
    // friend's List is textually identical to user's, but its Item is not, so it must not be shared.
    expect(merged.components!.schemas!['friend.List']).toEqual({ type: 'array', items: ref('friend.Item') });
    expect(merged.paths!['/friend/b']!.get.responses['200'].content).toEqual(jsonOf(ref('friend.List')));
    expect(merged.paths!['/user/a']!.get.responses['200'].content).toEqual(jsonOf(ref('List')));
  });

  test('adds gateway responses without overriding what the upstream declares, and names missing services', () => {
    const merged = mergeOpenApi({
      title: 'T',
      description: 'D',
      own: { paths: { '/actuator/health': { get: { responses: {} } } } },
      gatewayResponses: { '503': { description: 'gateway' }, '504': { description: 'gateway' } },
      upstreams: [{ route: user, doc: { paths: { '/h': { get: { responses: { '503': { description: 'DOWN' } } } } } } }],
      missing: [{ route: friend, reason: 'no live instance' }],
    });
    expect(merged.paths!['/user/h']!.get.responses).toEqual({ '503': { description: 'DOWN' }, '504': { description: 'gateway' } });
    expect(merged.paths!['/actuator/health']).toBeDefined();
    expect(merged.info!.description).toBe('D\n\nNot included, unavailable when this document was built: friend (/friend): no live instance.');
  });
});

test("examples of paths the client sees are put under the route's prefix: a problem's instance, a Location", () => {
  const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'user 42 does not exist', instance: '/v1/users/42' };
  const merged = merge([
    {
      route: user,
      doc: {
        paths: {
          '/v1/users': {
            post: {
              responses: {
                '201': { description: 'Created', headers: { location: { schema: { type: 'string' }, example: '/v1/users/42' } } },
                '404': { description: 'Not Found', content: { 'application/problem+json': { schema: ref('Problem'), example: problem } } },
                '503': { $ref: '#/components/responses/Elsewhere' },
              },
            },
          },
        },
        components: { schemas: { Problem: { type: 'object' } }, responses: { Elsewhere: { description: 'elsewhere' } } },
      },
    },
  ]);
  const responses = merged.paths!['/user/v1/users']!.post.responses;
  expect(responses['201'].headers.location.example).toBe('/user/v1/users/42');
  expect(responses['404'].content['application/problem+json'].example).toEqual({ ...problem, instance: '/user/v1/users/42' });
  expect(responses['503']).toEqual({ $ref: '#/components/responses/Elsewhere' });
});
