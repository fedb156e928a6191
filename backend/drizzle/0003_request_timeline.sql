CREATE TABLE "media_request_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"request_id" integer NOT NULL,
	"step" text NOT NULL,
	"actor" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "media_requests" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "media_requests" ADD COLUMN "download" jsonb;--> statement-breakpoint
ALTER TABLE "media_requests" ADD COLUMN "plex_rating_key" text;--> statement-breakpoint
ALTER TABLE "media_request_events" ADD CONSTRAINT "media_request_events_request_id_media_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."media_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_request_events_request_idx" ON "media_request_events" USING btree ("request_id","at");--> statement-breakpoint
UPDATE "media_requests" SET "approved_at" = "updated_at" WHERE "status" IN ('approved', 'processing');
