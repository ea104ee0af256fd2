-- plan change-accounts-balance-type: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('change-accounts-balance-type_old', 'change-accounts-balance-type') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('change-accounts-balance-type_old', 'accounts'), ('change-accounts-balance-type', 'accounts'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('change-accounts-balance-type_old', 'change-accounts-balance-type')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('change-accounts-balance-type_old', 'change-accounts-balance-type') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "change-accounts-balance-type_old"."accounts";
DROP SCHEMA IF EXISTS "change-accounts-balance-type_old";

-- step change_type.accounts.balance.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_balance" ON "public"."accounts";
DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_balance" ON "public"."accounts";
DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"public"."accounts"'::regclass AND attname = '_orc_new_balance' AND NOT attisdropped) THEN
    ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "balance", DROP COLUMN IF EXISTS "_orc_side_accounts_balance";
    ALTER TABLE "public"."accounts" RENAME COLUMN "_orc_new_balance" TO "balance";
  END IF;
END $orc$;

-- step version_schema.drop
DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
DROP SCHEMA IF EXISTS "change-accounts-balance-type";

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.present: column accounts.balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'balance' AND NOT attisdropped)
-- check change_type.accounts.balance.type: column accounts.balance is of type bigint
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'balance' AND NOT attisdropped AND atttypid = 'bigint'::regtype)
-- check change_type.accounts.balance.not_null: column accounts.balance is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'balance' AND attnotnull AND NOT attisdropped)
-- check change_type.accounts.balance.sync_gone: triggers _orc_sync_ins_accounts_balance and _orc_sync_upd_accounts_balance and function _orc_sync_accounts_balance dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_accounts_balance', '_orc_sync_upd_accounts_balance') AND tgrelid = to_regclass('"public"."accounts"')) AND to_regprocedure('"public"."_orc_sync_accounts_balance"()') IS NULL
-- check change_type.accounts.balance.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema change-accounts-balance-type_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'change-accounts-balance-type_old')
-- check version_schema.gone: version schema change-accounts-balance-type dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'change-accounts-balance-type')
