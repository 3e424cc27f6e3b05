-- A queued call's wake-up now names its lane: the Twilio account of its campaign's organisation, or ''
-- for the server's own (server/calls/dialer.ts). A process whose lane for that account is busy or within
-- its CPS spacing looks at the queue when the lane opens anyway, so it need not read the queue now: with
-- several replicas, every queued call used to make every process read the queue twice for nothing.
CREATE FUNCTION "notify_dial_lane"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('call_power_dial', coalesce(
    (SELECT o."twilio_account_sid" FROM "campaigns" c JOIN "orgs" o ON o."id" = c."org_id" WHERE c."id" = NEW."campaign_id"),
    ''));
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER "calls_dial_queue_insert" ON "calls";--> statement-breakpoint
DROP TRIGGER "calls_dial_queue_update" ON "calls";--> statement-breakpoint
CREATE TRIGGER "calls_dial_queue_insert" AFTER INSERT ON "calls" FOR EACH ROW
  WHEN (NEW."status" = 'queued' AND NEW."twilio_sid" IS NULL)
  EXECUTE FUNCTION "notify_dial_lane"();--> statement-breakpoint
CREATE TRIGGER "calls_dial_queue_update" AFTER UPDATE OF "status", "twilio_sid", "dial_after" ON "calls" FOR EACH ROW
  WHEN (NEW."status" = 'queued' AND NEW."twilio_sid" IS NULL
    AND (OLD."status" <> 'queued' OR OLD."twilio_sid" IS NOT NULL OR NEW."dial_after" < OLD."dial_after"))
  EXECUTE FUNCTION "notify_dial_lane"();
