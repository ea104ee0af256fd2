-- plan set-accounts-user-not-null: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('set-accounts-user-not-null_old', 'set-accounts-user-not-null') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('set-accounts-user-not-null_old', 'accounts'), ('set-accounts-user-not-null', 'accounts'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('set-accounts-user-not-null_old', 'set-accounts-user-not-null')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('set-accounts-user-not-null_old', 'set-accounts-user-not-null') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "set-accounts-user-not-null_old"."accounts";
DROP SCHEMA IF EXISTS "set-accounts-user-not-null_old";

-- step set_not_null.accounts.user_id.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_user_id" ON "public"."accounts";
DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_user_id" ON "public"."accounts";
DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_user_id"();
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"public"."accounts"'::regclass AND attname = '_orc_new_user_id' AND NOT attisdropped) THEN
    ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "user_id", DROP COLUMN IF EXISTS "_orc_side_accounts_user_id";
    ALTER TABLE "public"."accounts" RENAME COLUMN "_orc_new_user_id" TO "user_id";
    ALTER TABLE "public"."accounts" RENAME CONSTRAINT "_orc_accounts_user_id_fkey" TO "accounts_user_id_fkey";
  END IF;
END $orc$;

-- step version_schema.drop
DROP VIEW IF EXISTS "set-accounts-user-not-null"."accounts";
DROP SCHEMA IF EXISTS "set-accounts-user-not-null";

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.present: column accounts.user_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'user_id' AND NOT attisdropped)
-- check set_not_null.accounts.user_id.type: column accounts.user_id is of type bigint
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'user_id' AND NOT attisdropped AND atttypid = 'bigint'::regtype)
-- check set_not_null.accounts.user_id.not_null: column accounts.user_id is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'user_id' AND attnotnull AND NOT attisdropped)
-- check set_not_null.accounts.user_id.constraint.accounts_user_id_fkey: constraint accounts_user_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = 'accounts_user_id_fkey' AND convalidated)
-- check set_not_null.accounts.user_id.sync_gone: triggers _orc_sync_ins_accounts_user_id and _orc_sync_upd_accounts_user_id and function _orc_sync_accounts_user_id dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_accounts_user_id', '_orc_sync_upd_accounts_user_id') AND tgrelid = to_regclass('"public"."accounts"')) AND to_regprocedure('"public"."_orc_sync_accounts_user_id"()') IS NULL
-- check set_not_null.accounts.user_id.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema set-accounts-user-not-null_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'set-accounts-user-not-null_old')
-- check version_schema.gone: version schema set-accounts-user-not-null dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'set-accounts-user-not-null')
