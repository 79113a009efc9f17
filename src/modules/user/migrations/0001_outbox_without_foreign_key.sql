ALTER TABLE "outbox" DROP CONSTRAINT "outbox_event_position_events_position_fk";
