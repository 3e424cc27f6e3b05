ALTER TABLE "calls" ADD COLUMN "opted_in" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "lang" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "phase" text DEFAULT 'calling' NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "phase_leg" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "phase_rank" integer DEFAULT 0 NOT NULL;