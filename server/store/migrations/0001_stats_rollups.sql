CREATE TABLE "campaign_hours" (
	"campaign_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"legs" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"busy" integer DEFAULT 0 NOT NULL,
	"no_answer" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "campaign_hours_campaign_id_hour_pk" PRIMARY KEY("campaign_id","hour")
);
--> statement-breakpoint
CREATE TABLE "target_hours" (
	"campaign_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"target_id" text NOT NULL,
	"legs" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"busy" integer DEFAULT 0 NOT NULL,
	"no_answer" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "target_hours_campaign_id_hour_target_id_pk" PRIMARY KEY("campaign_id","hour","target_id")
);
--> statement-breakpoint
DROP INDEX "calls_campaign_created_idx";--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "completed_legs" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_hours" ADD CONSTRAINT "campaign_hours_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_hours" ADD CONSTRAINT "target_hours_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_campaign_stats_idx" ON "calls" USING btree ("campaign_id","created_at","answered_at","completed_legs");--> statement-breakpoint
-- Backfill the new rollups from legs already recorded (the call path bumps them from now on).
INSERT INTO "target_hours" ("campaign_id", "hour", "target_id", "legs", "completed", "busy", "no_answer", "failed", "talk_seconds")
SELECT l."campaign_id", date_trunc('hour', c."created_at", 'UTC'), l."target_id", count(*),
  count(*) FILTER (WHERE l."status" IN ('completed', 'answered')), count(*) FILTER (WHERE l."status" = 'busy'),
  count(*) FILTER (WHERE l."status" = 'no-answer'), count(*) FILTER (WHERE l."status" = 'failed'), coalesce(sum(l."duration"), 0)
FROM "legs" l JOIN "calls" c ON c."id" = l."call_id"
WHERE l."status" NOT IN ('ringing', 'in-progress')
GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "campaign_hours" ("campaign_id", "hour", "legs", "completed", "busy", "no_answer", "failed", "talk_seconds")
SELECT "campaign_id", "hour", sum("legs"), sum("completed"), sum("busy"), sum("no_answer"), sum("failed"), sum("talk_seconds")
FROM "target_hours" GROUP BY 1, 2;--> statement-breakpoint
UPDATE "calls" c SET "completed_legs" = done.n
FROM (SELECT "call_id", count(*) AS n FROM "legs" WHERE "status" IN ('completed', 'answered') GROUP BY 1) done
WHERE done."call_id" = c."id";
