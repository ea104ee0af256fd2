-- plan add-users-email: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('add-users-email_old', 'add-users-email') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('add-users-email_old', 'users'), ('add-users-email', 'users'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('add-users-email_old', 'add-users-email')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('add-users-email_old', 'add-users-email') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "add-users-email_old"."users";
DROP SCHEMA IF EXISTS "add-users-email_old";

-- step add_column.users.email.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_email" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_email" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_email"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_orc_side_users_email";

-- step version_schema.drop
DROP VIEW IF EXISTS "add-users-email"."users";
DROP SCHEMA IF EXISTS "add-users-email";

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.present: column users.email exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND NOT attisdropped)
-- check add_column.users.email.not_null: column users.email is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND attnotnull AND NOT attisdropped)
-- check add_column.users.email.sync_gone: triggers _orc_sync_ins_users_email and _orc_sync_upd_users_email and function _orc_sync_users_email dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_email', '_orc_sync_upd_users_email') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_email"()') IS NULL
-- check add_column.users.email.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema add-users-email_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-users-email_old')
-- check version_schema.gone: version schema add-users-email dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-users-email')
