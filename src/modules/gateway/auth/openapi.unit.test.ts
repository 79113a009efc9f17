import { expect, test } from 'bun:test';
import { withBearerAuth } from './openapi';

const ok = { '200': { description: 'OK' } };

test('bearerAuth scheme and global requirement; health open; 401 everywhere else, 403 only where a write can be refused', () => {
  const doc = withBearerAuth({
    openapi: '3.0.3',
    paths: {
      '/actuator/health': { get: { responses: ok } },
      '/user/actuator/health': { get: { responses: ok } },
      '/user/v1/users': { post: { responses: ok }, parameters: [] },
      '/user/v1/users/{id}': { get: { responses: ok }, put: { responses: { ...ok, '403': { description: 'upstream own' } } } },
    },
    components: { schemas: { X: { type: 'object' } } },
  });
  expect(doc.security).toEqual([{ bearerAuth: [] }]);
  expect(doc.components!.securitySchemes!.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: expect.any(String) });
  expect(doc.components!.schemas).toEqual({ X: { type: 'object' } });
  expect(doc.paths!['/actuator/health']!.get.security).toEqual([]);
  expect(doc.paths!['/user/actuator/health']!.get.security).toEqual([]);
  expect(doc.paths!['/user/actuator/health']!.get.responses['401']).toBeUndefined();
  expect(Object.keys(doc.paths!['/user/v1/users']!.post.responses).sort()).toEqual(['200', '401', '403']);
  expect(doc.paths!['/user/v1/users']!.parameters).toEqual([]);
  expect(Object.keys(doc.paths!['/user/v1/users/{id}']!.get.responses).sort()).toEqual(['200', '401']);
  // An upstream's own description of a status wins over the gateway's generic one.
  expect(doc.paths!['/user/v1/users/{id}']!.put.responses['403']).toEqual({ description: 'upstream own' });
  expect(doc.paths!['/user/v1/users/{id}']!.put.security).toBeUndefined();
});
