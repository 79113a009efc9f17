/**
 * Per-client rate limit: a token bucket per client address. A client may send `burst` requests at
 * once and `perSecond` sustained; past that it gets 429 with the seconds until its next token.
 *
 * Memory stays bounded: a bucket left alone long enough to be full again is the same as no bucket,
 * so such buckets are swept away; and at `maxClients` the oldest bucket makes room for a new
 * client (that client then starts afresh with a full bucket: under a flood of addresses the limit
 * weakens rather than the process growing without bound).
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Most clients tracked at once. */
  maxClients?: number;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** Takes a token for `client`: 0 when the request may pass, else whole seconds (at least 1) until it would. */
  take(client: string): number;
  /** Clients currently tracked. */
  readonly size: number;
}

export function createRateLimiter({ perSecond, burst, maxClients = 100_000, now = () => performance.now() }: RateLimitOptions): RateLimiter {
  if (!(perSecond > 0) || !(burst >= 1)) throw new Error('a rate limit needs perSecond > 0 and burst >= 1');
  const buckets = new Map<string, Bucket>();
  const perMs = perSecond / 1000;
  // Time for an empty bucket to fill up; a sweep at that pace finds every idle bucket full.
  const sweepEveryMs = Math.min(60_000, Math.max(1_000, burst / perMs));
  let nextSweep = now() + sweepEveryMs;

  function sweep(t: number) {
    nextSweep = t + sweepEveryMs;
    for (const [client, bucket] of buckets) {
      if (bucket.tokens + (t - bucket.at) * perMs >= burst) buckets.delete(client);
    }
  }

  return {
    take(client) {
      const t = now();
      if (t >= nextSweep) sweep(t);
      let bucket = buckets.get(client);
      if (bucket) {
        bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) * perMs);
        bucket.at = t;
      } else {
        // Maps iterate in insertion order: the first key is the oldest client.
        if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!);
        buckets.set(client, (bucket = { tokens: burst, at: t }));
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The key a client is limited under. An IPv6 client usually holds a whole /64 and could hop
 * between its addresses, so it is limited by that prefix; IPv4 (also IPv4-mapped IPv6) by address.
 */
export function clientKey(address: string): string {
  if (address.indexOf(':') === -1) return address;
  if (address.startsWith('::ffff:') && address.indexOf('.') !== -1) return address.slice(7);
  const zone = address.indexOf('%');
  const plain = zone === -1 ? address : address.slice(0, zone);
  const gap = plain.indexOf('::');
  let groups: string[];
  if (gap === -1) groups = plain.split(':');
  else {
    const head = gap === 0 ? [] : plain.slice(0, gap).split(':');
    const tail = plain.slice(gap + 2);
    const tailGroups = tail ? tail.split(':') : [];
    groups = [...head, ...Array<string>(Math.max(0, 8 - head.length - tailGroups.length)).fill('0'), ...tailGroups];
  }
  return (
    groups
      .slice(0, 4)
      .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
      .join(':') + '::/64'
  );
}

/**
 * The client's address as the gateway may believe it. With no trusted proxy in front, the peer of
 * the connection: X-Forwarded-For is whatever the client wrote. Behind `hops` proxies that each
 * append the address they saw, the entry `hops` from the right was written by the outermost
 * trusted proxy; entries further left are the client's own claims and are ignored.
 */
export function clientAddress(headers: Headers, peer: string | undefined, hops: number): string | undefined {
  if (hops <= 0) return peer;
  const chain = headers.get('x-forwarded-for');
  if (!chain) return peer;
  const entries = chain.split(',');
  const entry = entries[Math.max(0, entries.length - hops)]!.trim();
  return entry || peer;
}
