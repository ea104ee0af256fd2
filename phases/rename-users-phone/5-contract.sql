-- plan rename-users-phone: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('rename-users-phone_old', 'rename-users-phone') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('rename-users-phone_old', 'users'), ('rename-users-phone', 'users'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('rename-users-phone_old', 'rename-users-phone')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('rename-users-phone_old', 'rename-users-phone') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "rename-users-phone_old"."users";
DROP SCHEMA IF EXISTS "rename-users-phone_old";

-- step rename_column.users.phone.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number";

-- step version_schema.drop
DROP VIEW IF EXISTS "rename-users-phone"."users";
DROP SCHEMA IF EXISTS "rename-users-phone";

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.old_gone.phone_number: column users.phone_number is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND NOT attisdropped)
-- check rename_column.users.phone.present: column users.phone exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND NOT attisdropped)
-- check rename_column.users.phone.not_null: column users.phone is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND attnotnull AND NOT attisdropped)
-- check rename_column.users.phone.index.users_phone_idx: index users_phone_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND indisvalid AND indisready)
-- check rename_column.users.phone.sync_gone: triggers _orc_sync_ins_users_phone and _orc_sync_upd_users_phone and function _orc_sync_users_phone dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_phone', '_orc_sync_upd_users_phone') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_phone"()') IS NULL
-- check rename_column.users.phone.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema rename-users-phone_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-users-phone_old')
-- check version_schema.gone: version schema rename-users-phone dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-users-phone')
