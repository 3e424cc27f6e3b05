CREATE TABLE "office_counts" (
	"campaign_id" text NOT NULL,
	"target_id" text NOT NULL,
	"phone" text NOT NULL,
	"office" text,
	"legs" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"busy" integer DEFAULT 0 NOT NULL,
	"no_answer" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "office_counts_campaign_id_target_id_phone_pk" PRIMARY KEY("campaign_id","target_id","phone")
);
--> statement-breakpoint
ALTER TABLE "legs" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "legs" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "legs" ADD COLUMN "office" text;--> statement-breakpoint
-- drizzle-kit writes the new primary key before the column it needs: the column comes first.
ALTER TABLE "legs" DROP CONSTRAINT "legs_call_id_position_pk";--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_call_id_position_attempt_pk" PRIMARY KEY("call_id","position","attempt");--> statement-breakpoint
ALTER TABLE "office_counts" ADD CONSTRAINT "office_counts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legs_phone_recent_idx" ON "legs" USING btree ("phone","created_at");