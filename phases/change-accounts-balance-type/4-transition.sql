-- plan change-accounts-balance-type: phase 4 of 5, transition

-- step change_type.accounts.balance.validate._orc_nn_accounts_balance
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_balance' AND NOT convalidated) THEN
    ALTER TABLE "public"."accounts" VALIDATE CONSTRAINT "_orc_nn_accounts_balance";
  END IF;
END $orc$;

-- step change_type.accounts.balance.set_not_null
ALTER TABLE "public"."accounts" ALTER COLUMN "_orc_new_balance" SET NOT NULL;
ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "_orc_nn_accounts_balance";

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.not_null: column accounts._orc_new_balance is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_new_balance' AND attnotnull AND NOT attisdropped)
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
