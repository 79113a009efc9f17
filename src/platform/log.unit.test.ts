import { expect, test } from 'bun:test';
import { createLogger } from './log';

function capture() {
  const lines: any[] = [];
  return { lines, log: createLogger({ module: 'test' }, 'debug', (line) => lines.push(JSON.parse(line))) };
}

test('an error logged at error level keeps its message, its stack and its cause', () => {
  const { lines, log } = capture();
  const cause = Object.assign(new Error('could not read block 3 in file "base/5/16384"'), { code: 'XX001' });
  log.error('unhandled error', { error: new Error('Failed query: select ...', { cause }) });
  expect(lines[0].error).toBe('Failed query: select ...');
  expect(lines[0].errorStack).toContain('Error: Failed query: select ...');
  expect(lines[0].errorStack).toContain('log.unit.test.ts'); // a frame of the code that threw
  expect(lines[0].errorStack).toContain('caused by: Error: could not read block 3 in file "base/5/16384"');
});

test('below error level an error stays one message', () => {
  const { lines, log } = capture();
  log.warn('retrying', { error: new Error('connection refused') });
  expect(lines[0].error).toBe('connection refused');
  expect(lines[0].errorStack).toBeUndefined();
});

test('a cause that is not an Error is still shown', () => {
  const { lines, log } = capture();
  log.error('failed', { error: new Error('outer', { cause: 'inner reason' }) });
  expect(lines[0].errorStack).toContain('caused by: inner reason');
});

test('below error level a wrapped error names its causes, without stacks', () => {
  const { lines, log } = capture();
  const driver = new Error('relation "received_events" does not exist', { cause: new Error('ENOENT: base/5/16384') });
  log.warn('outbox relay could not publish; retrying', { error: new Error('Failed query: insert into received_events ...', { cause: driver }) });
  expect(lines[0].error).toBe('Failed query: insert into received_events ...');
  expect(lines[0].errorCause).toBe('relation "received_events" does not exist; caused by: ENOENT: base/5/16384');
  expect(lines[0].errorStack).toBeUndefined();
});
