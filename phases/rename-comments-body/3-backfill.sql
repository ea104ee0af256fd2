-- plan rename-comments-body: phase 3 of 5, backfill

-- backfill rename_column.comments.body: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.comments SET "body" = "contents" WHERE <key in batch> AND (("body" IS DISTINCT FROM "contents"));

-- gate (checked before `next` leaves this phase):
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
