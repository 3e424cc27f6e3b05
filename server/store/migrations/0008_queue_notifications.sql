-- Wakes the dial queue and the webhook deliverer of every server process (server/store/notifications.ts)
-- when a row joins their queue or comes due sooner than it was. Changes that only push a row later
-- (a claim's lease) need nobody woken. NOTIFY is sent at commit, so a woken worker finds the row.
CREATE FUNCTION "notify_queue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "calls_dial_queue_insert" AFTER INSERT ON "calls" FOR EACH ROW
  WHEN (NEW."status" = 'queued' AND NEW."twilio_sid" IS NULL)
  EXECUTE FUNCTION "notify_queue"('call_power_dial');--> statement-breakpoint
CREATE TRIGGER "calls_dial_queue_update" AFTER UPDATE OF "status", "twilio_sid", "dial_after" ON "calls" FOR EACH ROW
  WHEN (NEW."status" = 'queued' AND NEW."twilio_sid" IS NULL
    AND (OLD."status" <> 'queued' OR OLD."twilio_sid" IS NOT NULL OR NEW."dial_after" < OLD."dial_after"))
  EXECUTE FUNCTION "notify_queue"('call_power_dial');--> statement-breakpoint
CREATE TRIGGER "webhook_events_outbox_insert" AFTER INSERT ON "webhook_events" FOR EACH ROW
  WHEN (NEW."status" = 'pending')
  EXECUTE FUNCTION "notify_queue"('call_power_webhooks');--> statement-breakpoint
CREATE TRIGGER "webhook_events_outbox_update" AFTER UPDATE OF "status", "next_attempt_at" ON "webhook_events" FOR EACH ROW
  WHEN (NEW."status" = 'pending' AND (OLD."status" <> 'pending' OR NEW."next_attempt_at" < OLD."next_attempt_at"))
  EXECUTE FUNCTION "notify_queue"('call_power_webhooks');
