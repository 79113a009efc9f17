ALTER TABLE "received_events" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "received_events_xid_position" ON "received_events" USING btree ("xid","position");--> statement-breakpoint
ALTER TABLE "graph_snapshots" ADD COLUMN "log_snapshot" text;--> statement-breakpoint
CREATE TABLE "graph_feed_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"covers" text NOT NULL,
	"toward" text,
	"after_xid" text,
	"after_position" bigint
);
