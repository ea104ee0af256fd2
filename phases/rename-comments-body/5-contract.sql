-- plan rename-comments-body: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('rename-comments-body_old', 'rename-comments-body') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('rename-comments-body_old', 'comments'), ('rename-comments-body', 'comments'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('rename-comments-body_old', 'rename-comments-body')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('rename-comments-body_old', 'rename-comments-body') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "rename-comments-body_old"."comments";
DROP SCHEMA IF EXISTS "rename-comments-body_old";

-- step rename_column.comments.body.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "contents";

-- step version_schema.drop
DROP VIEW IF EXISTS "rename-comments-body"."comments";
DROP SCHEMA IF EXISTS "rename-comments-body";

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
-- check version_schema.old.gone: version schema rename-comments-body_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-comments-body_old')
-- check version_schema.gone: version schema rename-comments-body dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-comments-body')
