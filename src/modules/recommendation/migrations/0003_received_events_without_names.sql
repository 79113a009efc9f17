-- Names stay with the user service: the log keeps user events without them (graph-events.ts:
-- dataToStore), and events logged by an earlier release lose theirs here.
UPDATE "received_events" SET "data" = "data" - 'firstName' - 'lastName' WHERE "data" ?| array['firstName', 'lastName'];
--> statement-breakpoint
-- Snapshots before format 3 held every user's names; a restart replays the log instead.
DELETE FROM "graph_snapshot_parts" WHERE "snapshot_id" IN (SELECT "id" FROM "graph_snapshots" WHERE "format" < 3);
--> statement-breakpoint
DELETE FROM "graph_snapshots" WHERE "format" < 3;
