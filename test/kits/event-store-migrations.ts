import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A migrations folder holding only the event-store tables, written the way drizzle-kit lays it out.
export function eventStoreMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  const sql = `CREATE TABLE "events" ("position" bigserial PRIMARY KEY, "event_id" uuid NOT NULL UNIQUE, "stream_id" text NOT NULL, "stream_version" integer NOT NULL, "type" text NOT NULL, "schema_version" integer NOT NULL, "data" jsonb NOT NULL, "metadata" jsonb NOT NULL, "occurred_at" timestamp with time zone NOT NULL);
--> statement-breakpoint
CREATE UNIQUE INDEX "events_stream_version" ON "events" ("stream_id","stream_version");
--> statement-breakpoint
CREATE TABLE "outbox" ("event_position" bigint PRIMARY KEY, "topic" text NOT NULL);`;
  writeFileSync(join(dir, '0000_init.sql'), sql);
  const journal = { version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }] };
  mkdirSync(join(dir, 'meta'));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  return dir;
}

