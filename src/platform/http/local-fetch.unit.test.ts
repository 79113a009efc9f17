import { expect, test } from 'bun:test';
import { createLocalFetch } from './local-fetch';

test('requests to a mounted origin reach its handler; any other origin goes to the fallback', async () => {
  const fallback: string[] = [];
  const local = createLocalFetch(async (request) => (fallback.push(request.url), new Response('remote')));
  local.mount('http://user-service:8081', async (request) => new Response(`local ${new URL(request.url).pathname}${new URL(request.url).search}`));

  const body = async (url: string) => (await local.fetch(new Request(url))).text();
  expect(await body('http://user-service:8081/v1/users/1?x=1')).toBe('local /v1/users/1?x=1');
  // Request normalises the URL (case, missing path), so these are the same origin.
  expect(await body('HTTP://USER-SERVICE:8081')).toBe('local /');
  expect(await body('http://user-service:8081?q')).toBe('local /?q');
  // Another port, another host, or credentials in the URL: not this origin's handler by accident.
  expect(await body('http://user-service:8082/v1/users/1')).toBe('remote');
  expect(await body('http://user-service.evil:8081/')).toBe('remote');
  expect(await body('http://a:b@user-service:8081/v1')).toBe('local /v1');
  expect(fallback).toEqual(['http://user-service:8082/v1/users/1', 'http://user-service.evil:8081/']);

  local.unmount('http://user-service:8081/');
  expect(await body('http://user-service:8081/v1')).toBe('remote');
});
