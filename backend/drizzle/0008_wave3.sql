ALTER TABLE "media_issues" ADD COLUMN "last_comment_id" integer;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "address_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "confirm_token_hash" text;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "confirm_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD COLUMN "gone_at" timestamp with time zone;