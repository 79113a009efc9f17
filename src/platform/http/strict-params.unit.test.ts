import { expect, test } from 'bun:test';
import { t } from 'elysia';
import { BadParameter, strictParameters } from './strict-params';

const routes = [
  { method: 'GET', path: '/v1/things/:id', hooks: { params: t.Object({ id: t.Integer() }), query: t.Object({ limit: t.Optional(t.Integer()), name: t.Optional(t.String()) }) } },
];
const check = strictParameters(() => routes);
const run = (url: string, params: Record<string, string> = { id: '1' }, method = 'GET') => {
  try {
    check(new Request(`http://localhost${url}`, { method }), '/v1/things/:id', params);
    return 'ok';
  } catch (error) {
    if (error instanceof BadParameter) return error.message;
    throw error;
  }
};

test('integers are plain decimals, in the path and the query; text is left alone', () => {
  expect(run('/v1/things/1?limit=10&name=0x1')).toBe('ok');
  expect(run('/v1/things/1', { id: '0x1' })).toBe('parameter id: expected a plain decimal integer (got "0x1")');
  expect(run('/v1/things/1?limit=1e3')).toBe('query limit: expected a plain decimal integer (got "1e3")');
  expect(run('/v1/things/1?limit=%2B1')).toBe('query limit: expected a plain decimal integer (got "+1")');
  // HEAD is answered by the GET route, and checked as it.
  expect(run('/v1/things/1?limit=01', { id: '1' }, 'HEAD')).toBe('query limit: expected a plain decimal integer (got "01")');
});

test('a repeated parameter is found among few and among many, also when spelled with escapes', () => {
  expect(run('/v1/things/1?limit=1&lim%69t=2')).toBe('query parameter limit is repeated; send it once');
  const many = Array.from({ length: 50 }, (_, i) => `p${i}=1`).join('&');
  expect(run(`/v1/things/1?${many}`)).toBe('ok');
  expect(run(`/v1/things/1?${many}&p49=2`)).toBe('query parameter p49 is repeated; send it once');
});

test('a routes list that grows is read again', () => {
  const grown = [...routes];
  const late = strictParameters(() => grown);
  const request = new Request('http://localhost/v1/late/x');
  expect(() => late(request, '/v1/late/:n', { n: 'x' })).not.toThrow();
  grown.push({ method: 'GET', path: '/v1/late/:n', hooks: { params: t.Object({ n: t.Integer() }), query: t.Object({}) } } as never);
  expect(() => late(request, '/v1/late/:n', { n: 'x' })).toThrow(BadParameter);
});

test('integers become numbers for the schema to check, within the bounds the schema declares', () => {
  const bounded = [{ method: 'GET', path: '/v1/things/:id', hooks: { params: t.Object({ id: t.Integer({ minimum: 1 }) }), query: t.Object({ limit: t.Optional(t.Integer({ maximum: 1000 })) }) } }];
  const strict = strictParameters(() => bounded);
  const params: Record<string, unknown> = { id: '7' };
  const query: Record<string, unknown> = { limit: '10' };
  strict(new Request('http://localhost/v1/things/7?limit=10'), '/v1/things/:id', params, query);
  expect(params).toEqual({ id: 7 });
  expect(query).toEqual({ limit: 10 });
  const refusal = (url: string, id: string) => {
    try {
      strict(new Request(`http://localhost${url}`), '/v1/things/:id', { id }, {});
      return 'ok';
    } catch (error) {
      return (error as Error).message;
    }
  };
  expect(refusal('/v1/things/0', '0')).toBe('parameter id: Expected integer to be greater or equal to 1 (got 0)');
  expect(refusal('/v1/things/1?limit=5000', '1')).toBe('parameter limit: Expected integer to be less or equal to 1000 (got 5000)');
});
