CREATE TABLE "graph_snapshot_parts" (
	"snapshot_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "graph_snapshot_parts_snapshot_id_part_pk" PRIMARY KEY("snapshot_id","part")
);
--> statement-breakpoint
CREATE TABLE "graph_snapshots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"format" integer NOT NULL,
	"position" bigint NOT NULL,
	"bytes" integer NOT NULL,
	"checksum" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL
);
