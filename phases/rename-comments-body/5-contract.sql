-- plan rename-comments-body: phase 5 of 5, contract

-- step rename_column.comments.body.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "contents";

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.old_gone.contents: column comments.contents is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'contents' AND NOT attisdropped)
-- check rename_column.comments.body.present: column comments.body exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'body' AND NOT attisdropped)
-- check rename_column.comments.body.not_null: column comments.body is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'body' AND attnotnull AND NOT attisdropped)
-- check rename_column.comments.body.sync_gone: triggers _orc_sync_ins_comments_body and _orc_sync_upd_comments_body and function _orc_sync_comments_body dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_comments_body', '_orc_sync_upd_comments_body') AND tgrelid = to_regclass('"public"."comments"')) AND to_regprocedure('"public"."_orc_sync_comments_body"()') IS NULL
-- check rename_column.comments.body.no_helpers: no helper objects (_orc_*) left on comments
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."comments"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
