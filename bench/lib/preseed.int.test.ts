import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { metadataOf, storedMetadataHex } from '../../src/modules/recommendation/projecting-events/log-metadata';
import { rowsOf } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { sql } from 'drizzle-orm';
import { preseedRecommendationLog } from './preseed';
import { syntheticGraph } from './synthetic-graph';

const dataDir = mkdtempSync(join(tmpdir(), 'preseed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// The log-size figure is only honest if the seeded rows hold what the service would have stored.
test('the seeded log holds metadata in the very bytes the service stores for it', async () => {
  const { events } = await preseedRecommendationLog(dataDir, syntheticGraph({ users: 20, avgDegree: 4, seed: 1 }));
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, 'recommendation'), migrationsFolder: recommendationMigrationsFolder, label: 'preseed test' });
  try {
    const rows = rowsOf<{ metadata: Uint8Array }>(await database.db.execute(sql`select metadata from received_events`));
    expect(rows.length).toBe(events);
    for (const { metadata } of rows) {
      const decoded = metadataOf(metadata);
      expect(Object.keys(decoded)).toEqual(['correlationId', 'causationId', 'traceparent']);
      expect(decoded.causationId).not.toBe(decoded.correlationId);
      expect(Buffer.from(metadata).toString('hex')).toBe(storedMetadataHex(decoded));
    }
  } finally {
    await database.close();
  }
}, 60_000);
