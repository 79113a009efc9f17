CREATE TABLE "history_rewrites" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"events_resealed" integer DEFAULT 0 NOT NULL,
	"rows_resealed" integer DEFAULT 0 NOT NULL,
	"events_shredded" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_keys" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"master_key_id" text NOT NULL,
	"wrapped" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "first_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "last_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sealed_names" text;