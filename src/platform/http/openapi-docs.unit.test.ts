import { expect, test } from 'bun:test';
import { applyOperationDocs, documented } from './openapi-docs';

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const doc = (detail: object) => ({
  paths: {
    '/v1/things/{id}': {
      put: {
        ...detail,
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
          '404': { description: 'Not Found', content: problemContent },
          '409': { description: 'Conflict', content: problemContent },
          '503': { $ref: '#/components/responses/Elsewhere' },
        },
      },
    },
  },
});

test('folds x-docs into the request and the answers, and leaves no x-docs behind', () => {
  const detail = documented({
    tags: ['thing'],
    summary: 'Update a thing',
    description: 'Why and how',
    request: { name: 'lamp' },
    examplePath: '/v1/things/7',
    responses: {
      200: { description: 'The thing', example: { id: 7, name: 'lamp' }, headers: ['etag'], headerExamples: { etag: '"9"' } },
      404: { example: { detail: 'thing 7 does not exist' } },
    },
  });
  expect(detail).toMatchObject({ tags: ['thing'], summary: 'Update a thing', description: 'Why and how' });
  const op = applyOperationDocs(doc(detail)).paths!['/v1/things/{id}']!.put;
  expect(op['x-docs']).toBeUndefined();
  expect(op.requestBody.content['application/json'].example).toEqual({ name: 'lamp' });
  expect(op.responses['200'].description).toBe('The thing');
  expect(op.responses['200'].content['application/json'].example).toEqual({ id: 7, name: 'lamp' });
  expect(Object.keys(op.responses['200'].headers)).toEqual(['etag', 'x-trace-id']);
  expect(op.responses['200'].headers.etag.example).toBe('"9"');
  // A problem example is completed from its status, its instance from the example path.
  expect(op.responses['404'].content['application/problem+json'].example).toEqual({
    type: 'about:blank', title: 'Not Found', status: 404, detail: 'thing 7 does not exist', instance: '/v1/things/7',
  });
  // A problem status without an example gets a usual one; a reference is left to its target.
  expect(op.responses['409'].content['application/problem+json'].example).toMatchObject({ status: 409, title: 'Conflict', instance: '/v1/things/7' });
  expect(op.responses['503']).toEqual({ $ref: '#/components/responses/Elsewhere' });
});

test('without x-docs: every answer still gets x-trace-id, problems an example at a concrete path', () => {
  const op = applyOperationDocs(doc({})).paths!['/v1/things/{id}']!.put;
  expect(op.requestBody.content['application/json'].example).toBeUndefined();
  expect(Object.keys(op.responses['200'].headers)).toEqual(['x-trace-id']);
  expect(op.responses['404'].content['application/problem+json'].example.instance).toBe('/v1/things/42');
});
