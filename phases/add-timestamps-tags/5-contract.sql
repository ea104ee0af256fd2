-- plan add-timestamps-tags: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('add-timestamps-tags_old', 'add-timestamps-tags') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('add-timestamps-tags_old', 'tags'), ('add-timestamps-tags', 'tags'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('add-timestamps-tags_old', 'add-timestamps-tags')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('add-timestamps-tags_old', 'add-timestamps-tags') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "add-timestamps-tags_old"."tags";
DROP SCHEMA IF EXISTS "add-timestamps-tags_old";

-- step add_timestamps.tags.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";

-- step version_schema.drop
DROP VIEW IF EXISTS "add-timestamps-tags"."tags";
DROP SCHEMA IF EXISTS "add-timestamps-tags";

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.present.created_at: column tags.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_timestamps.tags.not_null.created_at: column tags.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_timestamps.tags.present.updated_at: column tags.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_timestamps.tags.not_null.updated_at: column tags.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)
-- check add_timestamps.tags.sync_gone: triggers _orc_sync_ins_tags_timestamps and _orc_sync_upd_tags_timestamps and function _orc_sync_tags_timestamps dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_tags_timestamps', '_orc_sync_upd_tags_timestamps') AND tgrelid = to_regclass('"public"."tags"')) AND to_regprocedure('"public"."_orc_sync_tags_timestamps"()') IS NULL
-- check add_timestamps.tags.no_helpers: no helper objects (_orc_*) left on tags
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."tags"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check add_timestamps.tags.touch: triggers touch_tags_updated_at_1 and touch_tags_updated_at_2 advance tags.updated_at on every UPDATE that does not write it
--   SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname IN ('touch_tags_updated_at_1', 'touch_tags_updated_at_2') AND tgenabled <> 'D'
-- check version_schema.old.gone: version schema add-timestamps-tags_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-timestamps-tags_old')
-- check version_schema.gone: version schema add-timestamps-tags dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-timestamps-tags')
