import { afterAll, describe, expect, test } from 'bun:test';
import { healthUrl, isHealthProbe, probeHealth } from './health-probe';

describe('health probe (the container HEALTHCHECK)', () => {
  const up = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => Response.json({ status: 'UP' }) });
  const down = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => Response.json({ status: 'DOWN' }, { status: 503 }) });
  afterAll(() => {
    up.stop(true);
    down.stop(true);
  });

  test('only the --health argument after the script selects it', () => {
    expect(isHealthProbe(['bun', '/$bunfs/root/user', '--health'])).toBe(true);
    expect(isHealthProbe(['bun', '/$bunfs/root/user'])).toBe(false);
  });

  test('a wildcard bind is probed on loopback', () => {
    expect(healthUrl('0.0.0.0', 8081)).toBe('http://127.0.0.1:8081/actuator/health/readiness');
    expect(healthUrl('::', 8081)).toBe('http://127.0.0.1:8081/actuator/health/readiness');
    expect(healthUrl('10.1.2.3', 9000)).toBe('http://10.1.2.3:9000/actuator/health/readiness');
    expect(healthUrl('::1', 9000)).toBe('http://[::1]:9000/actuator/health/readiness');
  });

  test('healthy only when every endpoint answers 200', async () => {
    const url = (s: typeof up) => healthUrl('127.0.0.1', s.port!);
    expect(await probeHealth([url(up)])).toBe(true);
    expect(await probeHealth([url(up), url(down)])).toBe(false);
    const closed = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
    const port = closed.port!;
    closed.stop(true);
    expect(await probeHealth([healthUrl('127.0.0.1', port)], 500)).toBe(false);
  });
});
