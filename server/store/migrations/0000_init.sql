CREATE TABLE "calls" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"phone" text,
	"phone_hash" text NOT NULL,
	"zip" text,
	"district" text,
	"targets" jsonb NOT NULL,
	"twilio_sid" text,
	"error_code" text,
	"error_message" text,
	"dial_attempts" integer DEFAULT 0 NOT NULL,
	"dial_after" timestamp with time zone DEFAULT now() NOT NULL,
	"duration" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"settings" jsonb NOT NULL,
	"call_in_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_call_in_number_unique" UNIQUE("call_in_number")
);
--> statement-breakpoint
CREATE TABLE "custom_targets" (
	"campaign_id" text NOT NULL,
	"id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"phone" text NOT NULL,
	"extension" text,
	CONSTRAINT "custom_targets_campaign_id_id_pk" PRIMARY KEY("campaign_id","id")
);
--> statement-breakpoint
CREATE TABLE "legs" (
	"call_id" text NOT NULL,
	"position" integer NOT NULL,
	"campaign_id" text NOT NULL,
	"target_id" text NOT NULL,
	"status" text NOT NULL,
	"duration" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "legs_call_id_position_pk" PRIMARY KEY("call_id","position")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "target_counts" (
	"campaign_id" text NOT NULL,
	"target_id" text NOT NULL,
	"name" text NOT NULL,
	"legs" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"busy" integer DEFAULT 0 NOT NULL,
	"no_answer" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "target_counts_campaign_id_target_id_pk" PRIMARY KEY("campaign_id","target_id")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_targets" ADD CONSTRAINT "custom_targets_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_counts" ADD CONSTRAINT "target_counts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_campaign_created_idx" ON "calls" USING btree ("campaign_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "calls_twilio_sid_idx" ON "calls" USING btree ("twilio_sid");--> statement-breakpoint
CREATE INDEX "calls_dial_queue_idx" ON "calls" USING btree ("dial_after") WHERE "calls"."status" = 'queued' and "calls"."twilio_sid" is null;--> statement-breakpoint
CREATE INDEX "legs_campaign_target_idx" ON "legs" USING btree ("campaign_id","target_id");