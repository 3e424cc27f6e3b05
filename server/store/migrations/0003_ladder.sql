CREATE TABLE "supporters" (
	"campaign_id" text NOT NULL,
	"phone_hash" text NOT NULL,
	"phone_sealed" text,
	"zip" text,
	"district" text,
	"opted_in_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opted_out_at" timestamp with time zone,
	"next_call_at" timestamp with time zone,
	"last_called_at" timestamp with time zone,
	"calls_placed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "supporters_campaign_id_phone_hash_pk" PRIMARY KEY("campaign_id","phone_hash")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "ref" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "meta" jsonb;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "scheduled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "legs" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "target_counts" ADD COLUMN "spoke" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "target_counts" ADD COLUMN "voicemail" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "target_counts" ADD COLUMN "unavailable" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "supporters" ADD CONSTRAINT "supporters_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supporters_due_idx" ON "supporters" USING btree ("next_call_at") WHERE "supporters"."opted_out_at" is null;--> statement-breakpoint
CREATE INDEX "calls_campaign_ref_idx" ON "calls" USING btree ("campaign_id","ref") WHERE "calls"."ref" is not null;