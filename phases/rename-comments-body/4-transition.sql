-- plan rename-comments-body: phase 4 of 5, transition

-- step rename_column.comments.body.validate._orc_nn_comments_body
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = '_orc_nn_comments_body' AND NOT convalidated) THEN
    ALTER TABLE "public"."comments" VALIDATE CONSTRAINT "_orc_nn_comments_body";
  END IF;
END $orc$;

-- step rename_column.comments.body.set_not_null
ALTER TABLE "public"."comments" ALTER COLUMN "body" SET NOT NULL;
ALTER TABLE "public"."comments" DROP CONSTRAINT IF EXISTS "_orc_nn_comments_body";

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.not_null: column comments.body is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'body' AND attnotnull AND NOT attisdropped)
-- check rename_column.comments.body.parity: no row of comments where ("body" IS DISTINCT FROM "contents")
--   one scan of public.comments (in pages along (id) when its heap is over 2048 MiB) for rows where ("body" IS DISTINCT FROM "contents")

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-comments-body"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-body";
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-comments-body_old"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-body_old";
