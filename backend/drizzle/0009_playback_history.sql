CREATE TABLE "playback_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_key" text NOT NULL,
	"user_id" text,
	"plex_username" text,
	"media_type" text NOT NULL,
	"title" text NOT NULL,
	"grandparent_title" text,
	"season" integer,
	"episode" integer,
	"year" integer,
	"player" text,
	"product" text,
	"decision" text NOT NULL,
	"location" text NOT NULL,
	"duration_ms" integer,
	"start_offset_ms" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"watched_seconds" integer
);
--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD CONSTRAINT "playback_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "playback_sessions_open_idx" ON "playback_sessions" USING btree ("session_key") WHERE "playback_sessions"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "playback_sessions_started_idx" ON "playback_sessions" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "playback_sessions_user_idx" ON "playback_sessions" USING btree ("user_id","started_at");