-- plan change-accounts-balance-type: phase 3 of 5, backfill

-- backfill change_type.accounts.balance: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.accounts SET "_orc_new_balance" = (balance::bigint) WHERE <key in batch> AND ("_orc_new_balance" IS DISTINCT FROM (balance::bigint));

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.parity: no row of accounts where "_orc_new_balance" IS DISTINCT FROM (balance::bigint)
--   batched scan of public.accounts along (id) for rows where "_orc_new_balance" IS DISTINCT FROM (balance::bigint)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type";
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance";
