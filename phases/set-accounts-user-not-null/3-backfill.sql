-- plan set-accounts-user-not-null: phase 3 of 5, backfill

-- backfill set_not_null.accounts.user_id: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.accounts SET "_orc_new_user_id" = (COALESCE("user_id", (id))), "_orc_side_accounts_user_id" = 'b' WHERE <key in batch> AND ("_orc_side_accounts_user_id" = '0');

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.parity: no row of accounts where "_orc_side_accounts_user_id" = '0'
--   one scan of public.accounts (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_accounts_user_id" WHEN '0' THEN true WHEN 'n' THEN ("user_id" IS DISTINCT FROM "_orc_new_user_id") ELSE ("_orc_new_user_id" IS DISTINCT FROM CAST((COALESCE("user_id", (id))) AS bigint)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null";
-- step rollback.set_not_null.accounts.user_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_user_id" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_user_id" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_user_id"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_user_id", DROP COLUMN IF EXISTS "_orc_side_accounts_user_id";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null_old"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null_old";
