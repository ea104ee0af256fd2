-- plan set-accounts-user-not-null: phase 3 of 5, backfill

-- backfill set_not_null.accounts.user_id: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.accounts SET "_orc_new_user_id" = (COALESCE("user_id", (id))) WHERE <key in batch> AND ("_orc_new_user_id" IS DISTINCT FROM (COALESCE("user_id", (id))));

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.parity: no row of accounts where "_orc_new_user_id" IS DISTINCT FROM (COALESCE("user_id", (id)))
--   batched scan of public.accounts along (id) for rows where "_orc_new_user_id" IS DISTINCT FROM (COALESCE("user_id", (id)))

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null";
-- step rollback.set_not_null.accounts.user_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_accounts_user_id" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_user_id"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_user_id";
