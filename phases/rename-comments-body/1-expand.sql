-- plan rename-comments-body: phase 1 of 5, expand

-- step rename_column.comments.body.add_columns
ALTER TABLE "public"."comments"
  ADD COLUMN IF NOT EXISTS "body" text;

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.column: column comments.body exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'body' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
