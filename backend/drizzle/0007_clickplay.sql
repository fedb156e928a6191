CREATE TABLE "media_issues" (
	"id" serial PRIMARY KEY NOT NULL,
	"overseerr_issue_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"media_type" text NOT NULL,
	"tmdb_id" integer NOT NULL,
	"title" text NOT NULL,
	"issue_type" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "media_requests" ADD COLUMN "auto_approved" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "media_issues" ADD CONSTRAINT "media_issues_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "media_issues_overseerr_idx" ON "media_issues" USING btree ("overseerr_issue_id");--> statement-breakpoint
CREATE INDEX "media_issues_user_idx" ON "media_issues" USING btree ("user_id");--> statement-breakpoint
-- Requests made before: approved in the same instant they were requested means Overseerr approved them at once.
UPDATE "media_requests" SET "auto_approved" = true WHERE EXISTS (SELECT 1 FROM "media_request_events" "a" JOIN "media_request_events" "r" ON "r"."request_id" = "a"."request_id" AND "r"."step" = 'requested' WHERE "a"."request_id" = "media_requests"."id" AND "a"."step" = 'approved' AND "a"."at" = "r"."at");--> statement-breakpoint
-- Keep the first "available" of a request recorded twice before the index existed.
DELETE FROM "media_request_events" "e" WHERE "e"."step" = 'available' AND EXISTS (SELECT 1 FROM "media_request_events" "o" WHERE "o"."request_id" = "e"."request_id" AND "o"."step" = 'available' AND "o"."id" < "e"."id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_request_events_available_idx" ON "media_request_events" USING btree ("request_id") WHERE "media_request_events"."step" = 'available';