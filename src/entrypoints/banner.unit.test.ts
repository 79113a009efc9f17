import { expect, test } from 'bun:test';
import { startBanner } from './banner';

test('names the gateway, the Swagger UI, health and how to stop', () => {
  const banner = startBanner({ gateway: 'http://127.0.0.1:9000', user: 'http://127.0.0.1:8081' }, false)!;
  expect(banner).toContain('Gateway     http://127.0.0.1:9000\n');
  expect(banner).toContain('Swagger UI  http://127.0.0.1:9000/swagger\n');
  expect(banner).toContain('Health      http://127.0.0.1:9000/actuator/health\n');
  expect(banner).toContain('Stop        Ctrl+C');
  expect(banner).not.toContain('\x1b');
  expect(startBanner({ gateway: 'http://h:1' }, true)).toContain('\x1b[1m');
});

test('nothing for a process without a gateway', () => {
  expect(startBanner({ user: 'http://127.0.0.1:8081' }, false)).toBeUndefined();
});
