-- plan change-accounts-balance-type: phase 1 of 5, expand

-- step change_type.accounts.balance.add_columns
ALTER TABLE "public"."accounts"
  ADD COLUMN IF NOT EXISTS "_orc_new_balance" bigint,
  ALTER COLUMN "_orc_new_balance" SET DEFAULT (0)::bigint,
  ADD COLUMN IF NOT EXISTS "_orc_side_accounts_balance" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.column: column accounts._orc_new_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_new_balance' AND NOT attisdropped)
-- check change_type.accounts.balance.side_column: column accounts._orc_side_accounts_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_side_accounts_balance' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type";
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_balance" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance", DROP COLUMN IF EXISTS "_orc_side_accounts_balance";
