import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { silentLogger } from '../log';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { freshDatabaseUrl } from '../../../test/kits/postgres';
import { startTcpProxy, type TcpProxy } from '../../../test/kits/tcp-proxy';
import { isDatabaseUnavailable, type Database } from './database';
import { openPostgresDatabase } from './postgres';

/**
 * The PostgreSQL adapter when its server goes out of reach, through a TCP proxy the test cuts:
 * queries fail fast and say "unavailable", a claim is lost without taking the process down, and
 * everything works again once the server is back. Needs USER_DATABASE_URL; skipped otherwise.
 */
const baseUrl = process.env.USER_DATABASE_URL;
const CONNECT_TIMEOUT_MS = 500;

describe.skipIf(!baseUrl)('PostgreSQL out of reach (set USER_DATABASE_URL to run)', () => {
  let url: string;
  let proxy: TcpProxy;
  let viaProxy: Database;
  let direct: Database;

  beforeAll(async () => {
    const migrationsFolder = eventStoreMigrations();
    url = await freshDatabaseUrl(baseUrl!, 'unreachable');
    const server = new URL(url);
    proxy = startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    viaProxy = await openPostgresDatabase({ url: proxied.toString(), migrationsFolder, log: silentLogger, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    direct = await openPostgresDatabase({ url, migrationsFolder, log: silentLogger });
  });
  afterAll(async () => {
    proxy.restore();
    await Promise.all([viaProxy.close(), direct.close()]);
    proxy.close();
    const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${new URL(url).pathname.slice(1)}" with (force)`);
    await admin.end();
  });

  const failure = (work: Promise<unknown>) => work.then(() => undefined, (error: unknown) => error);
  /** True once `probe` is, within about 5 s. */
  const until = async (probe: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await probe()) return true;
      await Bun.sleep(50);
    }
    return false;
  };

  test('refused: queries fail as unavailable, the claim is lost (not the process) and passes on; all comes back', async () => {
    const claim = await viaProxy.claim('relay');
    expect(claim).toBeDefined();
    proxy.cut('refuse');
    try {
      expect(isDatabaseUnavailable(await failure(viaProxy.db.execute(sql`select 1`)))).toBe(true);
      expect(isDatabaseUnavailable(await failure(viaProxy.db.transaction(async (tx) => tx.execute(sql`select 1`))))).toBe(true);
      expect(await viaProxy.ping()).toBe(false);
      expect(await claim!.stillHeld()).toBe(false);
      // The server ended the session that held the lock: another instance can take over.
      let taken: Awaited<ReturnType<Database['claim']>>;
      expect(await until(async () => (taken = await direct.claim('relay')) !== undefined)).toBe(true);
      await taken!.release();
    } finally {
      proxy.restore();
    }
    expect(await until(() => viaProxy.ping())).toBe(true);
    const again = await viaProxy.claim('relay');
    expect(again).toBeDefined();
    expect(await again!.stillHeld()).toBe(true);
    // Asked again while held, the same claim: one release frees it for the others.
    expect(await viaProxy.claim('relay')).toBeDefined();
    await again!.release();
    const next = await direct.claim('relay');
    expect(next).toBeDefined();
    await next!.release();
  });

  test('queries sent while the connections are being reset fail rather than hang, and leave no connection unusable', async () => {
    // postgres.js 3.4.9 (patched in patches/): a query sent between a socket's error and close
    // events waited forever, and a write pending at the close kept that connection from ever
    // writing again (every later use timed out connecting). The moments after a cut hit both.
    for (const afterMs of [0, 1, 2, 5]) {
      await Promise.all(Array.from({ length: 4 }, () => viaProxy.db.execute(sql`select pg_sleep(0.02)`)));
      proxy.cut('refuse');
      try {
        await Bun.sleep(afterMs);
        const settled = await Promise.race([
          Promise.all(Array.from({ length: 4 }, () => failure(viaProxy.db.execute(sql`select ${afterMs}::int as n`)))),
          Bun.sleep(5_000).then(() => 'still waiting after 5 s'),
        ]);
        expect({ afterMs, unavailable: Array.isArray(settled) ? settled.map(isDatabaseUnavailable) : settled }).toEqual({ afterMs, unavailable: [true, true, true, true] });
      } finally {
        proxy.restore();
      }
      expect(await until(() => viaProxy.ping())).toBe(true);
      // Each pool connection in turn: none fails once the server is back.
      const after = await Promise.all(Array.from({ length: 10 }, () => failure(viaProxy.db.execute(sql`select 1`))));
      expect({ afterMs, failures: after.filter(Boolean).map((e: any) => e.cause?.code ?? e.code) }).toEqual({ afterMs, failures: [] });
    }
  });

  test('unanswered: a query fails as unavailable once the connect timeout is up, not later', async () => {
    proxy.cut('blackhole');
    try {
      const started = performance.now();
      // The pool's connections were reset by the cut; the next one cannot open.
      const errors = [await failure(viaProxy.db.execute(sql`select 1`)), await failure(viaProxy.db.execute(sql`select 1`))];
      const ms = performance.now() - started;
      expect(errors.map(isDatabaseUnavailable)).toEqual([true, true]);
      // Generous: a missing timeout would wait for the driver's default of 30 s per attempt.
      expect(ms).toBeLessThan(10 * CONNECT_TIMEOUT_MS);
    } finally {
      proxy.restore();
    }
    expect(await until(() => viaProxy.ping())).toBe(true);
  });
});
