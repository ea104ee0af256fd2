-- plan change-accounts-balance-type: phase 3 of 5, backfill

-- backfill change_type.accounts.balance: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.accounts SET "_orc_new_balance" = (balance::bigint), "_orc_side_accounts_balance" = 'b' WHERE <key in batch> AND ("_orc_side_accounts_balance" = '0');

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.parity: no row of accounts where "_orc_side_accounts_balance" = '0'
--   one scan of public.accounts (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_accounts_balance" WHEN '0' THEN true WHEN 'n' THEN ("balance" IS DISTINCT FROM (SELECT CAST((balance::integer) AS integer) FROM (SELECT "id" AS "id", "user_id" AS "user_id", "_orc_new_balance" AS "balance") AS _view)) ELSE ("_orc_new_balance" IS DISTINCT FROM CAST((balance::bigint) AS bigint)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type";
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_balance" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance", DROP COLUMN IF EXISTS "_orc_side_accounts_balance";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type_old"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type_old";
