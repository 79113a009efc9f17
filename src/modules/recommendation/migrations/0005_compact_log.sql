-- The log in a narrower row (schema.ts: receivedEvents): columns ordered so that none needs
-- padding, no arrival time, the topic left empty when the stream id names it (projecting-events/
-- log-topics.ts), `data` and `metadata` as JSON text instead of jsonb (which spends 8 bytes of
-- offsets per key), the stream-id indexes without `occurred_at` (one entry per user then, its rows
-- in a list) and the transaction index without `position` (one entry per transaction). Rows keep
-- their position, event id and transaction id, so snapshots, feed cursors and stream ids still
-- hold. Copied into a new table: dropping columns in place would leave every row a null bitmap.
ALTER SEQUENCE "received_events_position_seq" OWNED BY NONE;
--> statement-breakpoint
ALTER TABLE "received_events" RENAME TO "received_events_before_0005";
--> statement-breakpoint
ALTER TABLE "received_events_before_0005" RENAME CONSTRAINT "received_events_pkey" TO "received_events_before_0005_pkey";
--> statement-breakpoint
ALTER TABLE "received_events_before_0005" RENAME CONSTRAINT "received_events_event_id_unique" TO "received_events_before_0005_event_id_unique";
--> statement-breakpoint
DROP INDEX "received_events_stream_first_id";
--> statement-breakpoint
DROP INDEX "received_events_stream_second_id";
--> statement-breakpoint
DROP INDEX "received_events_xid_position";
--> statement-breakpoint
CREATE TABLE "received_events" (
	"position" bigint DEFAULT nextval('received_events_position_seq'::regclass) NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"stream_version" integer NOT NULL,
	"schema_version" integer NOT NULL,
	"event_id" uuid NOT NULL,
	"stream_id" text NOT NULL,
	"type" text NOT NULL,
	"topic" text NOT NULL,
	"data" json NOT NULL,
	"metadata" json NOT NULL
);
--> statement-breakpoint
ALTER SEQUENCE "received_events_position_seq" OWNED BY "received_events"."position";
--> statement-breakpoint
INSERT INTO "received_events" ("position", "xid", "occurred_at", "stream_version", "schema_version", "event_id", "stream_id", "type", "topic", "data", "metadata")
SELECT "position", "xid", "occurred_at", "stream_version", "schema_version", "event_id", "stream_id", "type",
	CASE WHEN ("topic" = 'user-events' AND "stream_id" LIKE 'user-%') OR ("topic" = 'friend-events' AND "stream_id" LIKE 'friendship-%') THEN '' ELSE "topic" END,
	"data"::json, "metadata"::json
FROM "received_events_before_0005" ORDER BY "position";
--> statement-breakpoint
DROP TABLE "received_events_before_0005";
--> statement-breakpoint
-- Positions only grow, so the key's pages are filled up (leaf pages split on the right keep 10% free by default).
ALTER TABLE "received_events" ADD CONSTRAINT "received_events_pkey" PRIMARY KEY ("position") WITH (fillfactor = 100);
--> statement-breakpoint
ALTER TABLE "received_events" ADD CONSTRAINT "received_events_event_id_unique" UNIQUE ("event_id");
--> statement-breakpoint
CREATE INDEX "received_events_stream_first_id" ON "received_events" USING btree (split_part("stream_id", '-', 2));
--> statement-breakpoint
CREATE INDEX "received_events_stream_second_id" ON "received_events" USING btree (split_part("stream_id", '-', 3));
--> statement-breakpoint
CREATE INDEX "received_events_xid" ON "received_events" USING btree ("xid");
