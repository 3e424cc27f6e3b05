-- Tells every server process (server/store/notifications.ts) which call changed, so an event stream held
-- by one replica follows webhooks that land on another. Only changes a stream shows (calls/calls.ts
-- callView) notify: a dial claim's lease or a tally does not. NOTIFY is sent at commit, and repeats of
-- one call within a transaction are folded into one by PostgreSQL.
CREATE FUNCTION "notify_call_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One branch per table: an expression naming both would need both fields on either row.
  IF TG_TABLE_NAME = 'calls' THEN
    PERFORM pg_notify('call_power_call', NEW."id");
  ELSE
    PERFORM pg_notify('call_power_call', NEW."call_id");
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "calls_changed" AFTER UPDATE ON "calls" FOR EACH ROW
  WHEN ((OLD."status", OLD."phase", OLD."phase_leg", OLD."opted_in", OLD."error_code", OLD."error_message", OLD."targets")
    IS DISTINCT FROM (NEW."status", NEW."phase", NEW."phase_leg", NEW."opted_in", NEW."error_code", NEW."error_message", NEW."targets"))
  EXECUTE FUNCTION "notify_call_changed"();--> statement-breakpoint
CREATE TRIGGER "legs_inserted" AFTER INSERT ON "legs" FOR EACH ROW
  EXECUTE FUNCTION "notify_call_changed"();--> statement-breakpoint
CREATE TRIGGER "legs_changed" AFTER UPDATE ON "legs" FOR EACH ROW
  WHEN ((OLD."status", OLD."duration", OLD."outcome", OLD."office") IS DISTINCT FROM (NEW."status", NEW."duration", NEW."outcome", NEW."office"))
  EXECUTE FUNCTION "notify_call_changed"();
