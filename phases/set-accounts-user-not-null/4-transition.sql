-- plan set-accounts-user-not-null: phase 4 of 5, transition

-- step set_not_null.accounts.user_id.validate._orc_nn_accounts_user_id
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_user_id' AND NOT convalidated) THEN
    ALTER TABLE "public"."accounts" VALIDATE CONSTRAINT "_orc_nn_accounts_user_id";
  END IF;
END $orc$;

-- step set_not_null.accounts.user_id.set_not_null
ALTER TABLE "public"."accounts" ALTER COLUMN "_orc_new_user_id" SET NOT NULL;
ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "_orc_nn_accounts_user_id";

-- step set_not_null.accounts.user_id.validate._orc_accounts_user_id_fkey
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_accounts_user_id_fkey' AND NOT convalidated) THEN
    ALTER TABLE "public"."accounts" VALIDATE CONSTRAINT "_orc_accounts_user_id_fkey";
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.not_null: column accounts._orc_new_user_id is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_new_user_id' AND attnotnull AND NOT attisdropped)
-- check set_not_null.accounts.user_id.validated._orc_accounts_user_id_fkey: constraint _orc_accounts_user_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_accounts_user_id_fkey' AND convalidated)
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
