import { expect, test } from 'bun:test';
import { continueTrace, formatTraceparent, parseTraceparent } from './traceparent';

const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('continues a valid incoming trace with a new span whose parent is the caller', () => {
  const trace = continueTrace(incoming);
  expect(trace.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(trace.parentSpanId).toBe('00f067aa0ba902b7');
  expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(trace.spanId).not.toBe('00f067aa0ba902b7');
  expect(formatTraceparent(trace)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-01`);
});

test.each([
  ['absent', undefined],
  ['garbage', 'hello'],
  ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
  ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
  ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ['version 00 with extra fields', `${incoming}-extra`],
  ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
])('starts a new trace when the header is %s', (_, header) => {
  const trace = continueTrace(header);
  expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(trace.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(trace.parentSpanId).toBeUndefined();
  expect(formatTraceparent(trace)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
});

test('accepts upper case and future versions with more fields', () => {
  expect(parseTraceparent(incoming.toUpperCase())?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes')?.spanId).toBe('00f067aa0ba902b7');
});
