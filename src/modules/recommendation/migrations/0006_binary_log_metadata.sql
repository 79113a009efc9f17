-- The log's metadata as bytes (schema.ts: receivedEvents.metadata): correlation and causation ids
-- and the traceparent in binary where they are in canonical form, about 60 bytes instead of about
-- 140 of JSON text (projecting-events/log-metadata.ts). Rows already stored keep their JSON text,
-- now as its UTF-8 bytes, which read back as before. Changing the column's type rewrites the table
-- and rebuilds its indexes: on a large log this takes a while, and the table is locked meanwhile.
ALTER TABLE "received_events" ALTER COLUMN "metadata" SET DATA TYPE bytea USING convert_to("metadata"::text, 'UTF8');
