import { expect, test } from 'bun:test';
import { createLogger } from '../log';
import { call } from '../../../test/kits/http';
import { createHttpApp } from './app';

test('a 500 is logged with the stack and the cause of the error, and answered without them', async () => {
  const lines: any[] = [];
  const log = createLogger({ module: 'probe' }, 'info', (line) => lines.push(JSON.parse(line)));
  const app = createHttpApp({ name: 'probe', log, health: async () => true }).get('/v1/broken', () => {
    const cause = new Error('invalid page in block 1 of relation base/5/16390');
    throw new Error('Failed query: select * from events', { cause });
  });
  const res = await call(app, 'GET', '/v1/broken');
  expect(res.status).toBe(500);
  expect(JSON.stringify(res.body)).not.toContain('invalid page');
  const logged = lines.find((l) => l.msg === 'unhandled error');
  expect(logged).toMatchObject({ level: 'error', error: 'Failed query: select * from events' });
  expect(logged.errorStack).toContain('unhandled-error.api.test.ts');
  expect(logged.errorStack).toContain('caused by: Error: invalid page in block 1 of relation base/5/16390');
});
