import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { servedDocs } from './served-docs';
import { validateDocs, validatorPython } from './validate';

/**
 * Every OpenAPI document the system serves: valid for a real validator (openapi-spec-validator,
 * installed on demand), and useful in Swagger UI: described operations, realistic examples,
 * documented headers.
 */
let docs: Record<string, any>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ docs, close } = await servedDocs());
});
afterAll(() => close());

const validator = validatorPython();
if ('unavailable' in validator) console.warn(`SKIPPED: OpenAPI validation, no validator: ${validator.unavailable}`);

const MODULES = ['user', 'friend', 'recommendation', 'discovery', 'user-jwt', 'friend-jwt', 'recommendation-jwt'];
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

function operations(doc: any): [string, any][] {
  return Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).filter(([method]) => METHODS.has(method)).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, any]),
  );
}

function resolve(doc: any, node: any): any {
  if (!node?.$ref) return node;
  return resolve(doc, node.$ref.replace(/^#\//, '').split('/').reduce((at: any, key: string) => at?.[key], doc));
}

describe.skipIf('unavailable' in validator)('openapi-spec-validator', () => {
  test('finds no error in any served document: each module\'s and the gateway\'s merged one, with and without tokens', async () => {
    const python = (validator as { python: string }).python;
    expect(Object.keys(docs).sort()).toEqual(['discovery', 'friend', 'friend-jwt', 'gateway', 'gateway-jwt', 'recommendation', 'recommendation-jwt', 'user', 'user-jwt']);
    const results = await validateDocs(python, docs);
    for (const [name, errors] of Object.entries(results)) expect({ name, errors }).toEqual({ name, errors: '' });
  }, 60_000);

  test("rejects what @elysiajs/swagger generates unrepaired (so the test above can fail)", async () => {
    const { servedRawDocs } = await import('./served-docs');
    const raw = await servedRawDocs(docs);
    const results = await validateDocs((validator as { python: string }).python, raw);
    for (const name of Object.keys(raw)) expect(results[name]).toContain('Validation Error');
  }, 60_000);
});

describe('what Swagger UI shows', () => {
  test('"Try it out" on create user starts from a realistic body', () => {
    for (const [doc, path] of [[docs.user, '/v1/users'], [docs.gateway, '/user/v1/users']] as const) {
      expect(doc.paths[path].post.requestBody.content['application/json'].example).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
    }
  });

  test('every operation has a summary, a description, and examples of its request and of every answer with a body', () => {
    for (const name of [...MODULES, 'gateway', 'gateway-jwt']) {
      const doc = docs[name];
      for (const [where, op] of operations(doc)) {
        expect({ where, summary: typeof op.summary, description: typeof op.description }).toEqual({ where, summary: 'string', description: 'string' });
        for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) expect({ where, type, example: media.example !== undefined }).toEqual({ where, type, example: true });
        for (const [status, response] of Object.entries<any>(op.responses)) {
          for (const [type, media] of Object.entries<any>(resolve(doc, response).content ?? {})) {
            expect({ where, status, type, example: media.example !== undefined }).toEqual({ where, status, type, example: true });
          }
        }
      }
    }
  });

  test('no example is invented from a schema: no additionalProp, no id 0, problems complete with instance', () => {
    const examples: unknown[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) key === 'example' ? examples.push(value) : collect(value);
      }
    };
    collect(docs);
    expect(examples.length).toBeGreaterThan(100);
    expect(JSON.stringify(examples)).not.toContain('additionalProp');
    expect(JSON.stringify(examples)).not.toContain('"id":0');
    for (const name of [...MODULES, 'gateway', 'gateway-jwt']) {
      for (const [where, op] of operations(docs[name])) {
        for (const [status, response] of Object.entries<any>(op.responses)) {
          const example = resolve(docs[name], response).content?.['application/problem+json']?.example;
          if (!example) continue;
          expect({ where, status, keys: Object.keys(example).sort() }).toEqual({ where, status, keys: ['detail', 'instance', 'status', 'title', 'type'] });
          // One shared example stands for the gateway's statuses.
          if (!response.$ref) expect({ where, status: example.status }).toEqual({ where, status: Number(status) });
          expect(example.detail).not.toBe('string');
        }
      }
    }
  });

  test('a problem example names a concrete path, under the prefix in the merged document', () => {
    const notFound = (doc: any, path: string) => doc.paths[path].get.responses['404'].content['application/problem+json'].example;
    expect(notFound(docs.user, '/v1/users/{id}')).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'user 42 does not exist', instance: '/v1/users/42' });
    expect(notFound(docs.gateway, '/user/v1/users/{id}').instance).toBe('/user/v1/users/42');
  });

  test('documents ETag, Location, Retry-After, x-trace-id and, on commands, Consistency-Token', () => {
    const headers = (doc: any, path: string, method: string, status: string) => Object.keys(resolve(doc, doc.paths[path][method].responses[status]).headers ?? {}).sort();
    expect(headers(docs.user, '/v1/users', 'post', '201')).toEqual(['Consistency-Token', 'etag', 'location', 'x-trace-id']);
    expect(headers(docs.user, '/v1/users/{id}', 'get', '200')).toEqual(['etag', 'x-trace-id']);
    expect(headers(docs.user, '/v1/users/{id}', 'put', '200')).toEqual(['Consistency-Token', 'etag', 'x-trace-id']);
    expect(headers(docs.friend, '/v1/users/{userId}/commands/addFriend', 'post', '201')).toEqual(['Consistency-Token', 'location', 'x-trace-id']);
    expect(headers(docs.gateway, '/user/v1/users', 'post', '201')).toEqual(['Consistency-Token', 'etag', 'location', 'x-trace-id']);
    expect(docs.gateway.paths['/user/v1/users'].post.responses['201'].headers.location.example).toBe('/user/v1/users/42');
    expect(headers(docs.gateway, '/user/v1/users', 'post', '429')).toEqual(['retry-after', 'x-trace-id']);
    expect(headers(docs.discovery, '/v1/instances', 'get', '401')).toEqual(['www-authenticate', 'x-trace-id']);
    for (const name of MODULES) {
      for (const [where, op] of operations(docs[name])) {
        for (const [status, response] of Object.entries<any>(op.responses)) expect({ where, status, trace: 'x-trace-id' in (response.headers ?? {}) }).toEqual({ where, status, trace: true });
      }
    }
  });

  test('documents the answers every module can give: 415 for a body that is not JSON', () => {
    expect(docs.user.paths['/v1/users'].post.responses['415'].content['application/problem+json'].example.status).toBe(415);
    expect(docs.gateway.paths['/user/v1/users/{id}'].put.responses['415']).toBeDefined();
    // With user authentication on: a module's own 401 (no internal credential), and at the gateway the gateway's (no bearer token).
    expect(docs['user-jwt'].paths['/v1/users/{id}'].put.responses['401'].description).toContain('x-internal-credential');
    expect(docs['user-jwt'].paths['/actuator/health'].get.responses['401']).toBeUndefined();
    expect(docs['gateway-jwt'].paths['/user/v1/users/{id}'].put.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
  });
});
