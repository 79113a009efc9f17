import { expect, test } from 'bun:test';
import { requestMetadata } from './app';
import { requestFields } from './observe';

const request = (headers: Record<string, string>) => new Request('http://localhost/v1/users', { method: 'POST', headers });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('sane request and correlation ids travel into event metadata and log fields as given', () => {
  const given = request({ 'x-request-id': 'req-1', 'x-correlation-id': 'order:42' });
  expect(requestMetadata(given)).toEqual({ correlationId: 'order:42', causationId: 'req-1' });
  expect(requestFields(given).correlationId).toBe('order:42');
  // Without a correlation id the request id stands for both.
  expect(requestMetadata(request({ 'x-request-id': 'req-2' }))).toEqual({ correlationId: 'req-2', causationId: 'req-2' });
});

test('oversized or odd ids are never stored: a fresh id takes their place', () => {
  for (const bad of ['x'.repeat(129), 'has space', '<script>', 'quote"d', 'ünïcode']) {
    const metadata = requestMetadata(request({ 'x-request-id': bad, 'x-correlation-id': bad }));
    expect(metadata.correlationId).toMatch(UUID);
    expect(metadata.causationId).toBe(metadata.correlationId);
    expect(requestFields(request({ 'x-correlation-id': bad })).correlationId).toBeUndefined();
  }
  // A bad correlation id falls back to a good request id.
  expect(requestMetadata(request({ 'x-request-id': 'req-3', 'x-correlation-id': 'a b' })).correlationId).toBe('req-3');
});
