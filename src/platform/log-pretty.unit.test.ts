import { expect, test } from 'bun:test';
import { createLogger, lineFormat } from './log';
import { prettyLine } from './log-pretty';

const ESC = '\x1b';
const time = '2026-01-02T03:04:05.678Z';
const access = { time, level: 'debug', module: 'friend', msg: 'request', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', method: 'POST', route: '/v1/users/:userId/commands/addFriend', path: '/v1/users/1/commands/addFriend', status: 404, durationMs: 1.2, detail: 'user 99 does not exist' };

test('an access line reads as the request: method, path, status, duration, then why and the trace', () => {
  const line = prettyLine(access, false);
  expect(line).toMatch(/^\d\d:\d\d:\d\d\.678 DEBUG friend  POST \/v1\/users\/1\/commands\/addFriend 404 1\.2ms {2}detail="user 99 does not exist" trace=4bf92f3577b34da6a3ce929d0e0e4736$/);
  // Machine-only fields stay in the JSON format.
  expect(line).not.toContain('spanId');
  expect(line).not.toContain(':userId');
});

test('other lines: level, module, message, then the fields as key=value', () => {
  const line = prettyLine({ time, level: 'info', module: 'all-in-one', msg: 'listening', service: 'user', url: 'http://127.0.0.1:8081', count: 3, ok: true, urls: { gateway: 'http://x:9000' } }, false);
  expect(line).toEndWith('INFO  all-in-one  listening  service=user url=http://127.0.0.1:8081 count=3 ok=true urls={"gateway":"http://x:9000"}');
});

test('no colour unless asked; with colour the level, module and status are painted', () => {
  expect(prettyLine(access, false)).not.toContain(ESC);
  const coloured = prettyLine({ ...access, level: 'error', status: 503 }, true);
  expect(coloured).toContain(`${ESC}[1;31mERROR${ESC}[0m`);
  expect(coloured).toContain(`${ESC}[36mfriend${ESC}[0m`);
  expect(coloured).toContain(`${ESC}[1;31m503${ESC}[0m`);
});

test("an error's stack and causes follow its line, indented", () => {
  const lines: string[] = [];
  const log = createLogger({ module: 'user' }, 'debug', (l) => lines.push(l), lineFormat({ format: 'pretty', color: false }));
  log.error('unhandled error', { error: new Error('Failed query', { cause: new Error('could not read block 3') }) });
  const [head, ...stack] = lines[0]!.split('\n');
  expect(head).toMatch(/ERROR user  unhandled error {2}error="Failed query"$/);
  expect(stack[0]).toBe('    Error: Failed query');
  expect(stack.some((l) => l.startsWith('    ') && l.includes('log-pretty.unit.test.ts'))).toBe(true);
  expect(stack).toContain('    caused by: Error: could not read block 3');
});

test('input echoed in a line can neither split it nor reach the terminal as an escape sequence', () => {
  const line = prettyLine({ time, level: 'debug', module: 'user', msg: 'request', method: 'GET', path: `/v1/users/${ESC}[2J\nfake`, status: 400, durationMs: 0.1, detail: `bad ${ESC}]0;title\x07 \u009b31m` }, true);
  expect(line.split('\n')).toHaveLength(1);
  expect(line.replaceAll(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  expect(line).toContain('"/v1/users/\\u001b[2J\\nfake"');
});

test('the JSON format is unchanged: one object per line', () => {
  const lines: string[] = [];
  const log = createLogger({ module: 'user' }, 'info', (l) => lines.push(l), lineFormat({ format: 'json', color: true }));
  log.info('ready', { urls: { gateway: 'http://x:9000' } });
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', module: 'user', msg: 'ready', urls: { gateway: 'http://x:9000' } });
});
