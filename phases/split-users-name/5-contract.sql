-- plan split-users-name: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('split-users-name_old', 'split-users-name') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('split-users-name_old', 'users'), ('split-users-name', 'users'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('split-users-name_old', 'split-users-name')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('split-users-name_old', 'split-users-name') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "split-users-name_old"."users";
DROP SCHEMA IF EXISTS "split-users-name_old";

-- step split_column.users.name.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";

-- step version_schema.drop
DROP VIEW IF EXISTS "split-users-name"."users";
DROP SCHEMA IF EXISTS "split-users-name";

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.old_gone.name: column users.name is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'name' AND NOT attisdropped)
-- check split_column.users.name.present.first_name: column users.first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'first_name' AND NOT attisdropped)
-- check split_column.users.name.present.last_name: column users.last_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'last_name' AND NOT attisdropped)
-- check split_column.users.name.sync_gone: triggers _orc_sync_ins_users_first_name and _orc_sync_upd_users_first_name and function _orc_sync_users_first_name dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_first_name', '_orc_sync_upd_users_first_name') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_first_name"()') IS NULL
-- check split_column.users.name.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema split-users-name_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'split-users-name_old')
-- check version_schema.gone: version schema split-users-name dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'split-users-name')
