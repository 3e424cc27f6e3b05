ALTER TABLE "custom_targets" ADD COLUMN "state" text;--> statement-breakpoint
ALTER TABLE "custom_targets" ADD COLUMN "district" text;--> statement-breakpoint
ALTER TABLE "custom_targets" ADD COLUMN "zips" text[];