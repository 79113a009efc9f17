import { describe, expect, test } from 'bun:test';
import { clientAddress, clientKey, createRateLimiter } from './rate-limit';

function clocked(options: { perSecond: number; burst: number; maxClients?: number }) {
  let now = 1_000;
  const limiter = createRateLimiter({ ...options, now: () => now });
  return { limiter, advance: (ms: number) => void (now += ms) };
}

describe('token bucket per client', () => {
  test('lets a burst through, then refuses with the whole seconds until the next token', () => {
    const { limiter } = clocked({ perSecond: 2, burst: 5 });
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1); // one token every 500 ms: rounded up to a whole second
    // Another client has its own bucket.
    expect(limiter.take('b')).toBe(0);
  });

  test('refills at the sustained rate, never beyond the burst', () => {
    const { limiter, advance } = clocked({ perSecond: 10, burst: 3 });
    for (let i = 0; i < 3; i++) limiter.take('a');
    expect(limiter.take('a')).toBeGreaterThan(0);
    advance(100); // one token
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    advance(60_000); // a long pause refills only up to the burst
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  test('Retry-After counts the seconds a slow rate needs, at least 1', () => {
    const { limiter } = clocked({ perSecond: 0.25, burst: 1 });
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(4);
    const fast = clocked({ perSecond: 1_000, burst: 1 }).limiter;
    fast.take('a');
    expect(fast.take('a')).toBe(1);
  });

  test('a refused request takes no token: a client that keeps trying still gets through at the rate', () => {
    const { limiter, advance } = clocked({ perSecond: 1, burst: 1 });
    expect(limiter.take('a')).toBe(0);
    let passed = 0;
    for (let i = 0; i < 100; i++) {
      advance(50); // 20 attempts per second for 5 s
      if (limiter.take('a') === 0) passed++;
    }
    expect(passed).toBe(5);
  });
});

describe('bounded memory', () => {
  test('idle clients are forgotten once their bucket would be full again', () => {
    const { limiter, advance } = clocked({ perSecond: 100, burst: 100 });
    for (let i = 0; i < 1_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(1_000);
    advance(1_500); // full again after 1 s; the sweep runs at most once a second
    limiter.take('10.9.9.9');
    expect(limiter.size).toBe(1);
  });

  test('a client that is still short of tokens is kept', () => {
    const { limiter, advance } = clocked({ perSecond: 1, burst: 10 });
    for (let i = 0; i < 10; i++) limiter.take('busy');
    advance(1_000); // the sweep interval; busy has 1 of 10 tokens back
    limiter.take('other');
    expect(limiter.size).toBe(2);
    expect(limiter.take('busy')).toBe(0);
    expect(limiter.take('busy')).toBeGreaterThan(0);
  });

  test('at most maxClients are tracked: the oldest makes room', () => {
    const { limiter } = clocked({ perSecond: 1, burst: 1, maxClients: 3 });
    for (const client of ['a', 'b', 'c', 'd', 'e']) limiter.take(client);
    expect(limiter.size).toBe(3);
    // 'e' is still tracked (and out of tokens); 'a' was evicted and starts afresh.
    expect(limiter.take('e')).toBeGreaterThan(0);
    expect(limiter.take('a')).toBe(0);
  });
});

test('clientKey: IPv4 by address (also IPv4-mapped), IPv6 by its /64', () => {
  expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
  expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
  expect(clientKey('2001:0db8:0001:0002:0000::ffff')).toBe('2001:db8:1:2::/64');
  expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(clientKey('::1')).toBe('0:0:0:0::/64');
  expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
});

test('clientAddress: X-Forwarded-For is believed only as far as trusted proxies wrote it', () => {
  const headers = new Headers({ 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
  expect(clientAddress(headers, '10.0.0.2', 0)).toBe('10.0.0.2');
  // One proxy (an ingress) appended the address it saw: the client's own claims left of it are ignored.
  expect(clientAddress(headers, '10.0.0.2', 1)).toBe('203.0.113.7');
  expect(clientAddress(headers, '10.0.0.2', 2)).toBe('198.51.100.1');
  expect(clientAddress(headers, '10.0.0.2', 5)).toBe('198.51.100.1');
  expect(clientAddress(new Headers(), '10.0.0.2', 1)).toBe('10.0.0.2');
  expect(clientAddress(headers, undefined, 0)).toBeUndefined();
});
