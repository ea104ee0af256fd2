-- plan set-accounts-user-not-null: phase 1 of 5, expand

-- step set_not_null.accounts.user_id.add_columns
ALTER TABLE "public"."accounts"
  ADD COLUMN IF NOT EXISTS "_orc_new_user_id" bigint,
  ADD COLUMN IF NOT EXISTS "_orc_side_accounts_user_id" "char" NOT NULL DEFAULT '0';

-- step set_not_null.accounts.user_id.constraint.accounts_user_id_fkey
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_accounts_user_id_fkey') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_accounts_user_id_fkey" FOREIGN KEY ("_orc_new_user_id") REFERENCES users(id) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.column: column accounts._orc_new_user_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_new_user_id' AND NOT attisdropped)
-- check set_not_null.accounts.user_id.side_column: column accounts._orc_side_accounts_user_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_side_accounts_user_id' AND NOT attisdropped)
-- check set_not_null.accounts.user_id.constraint.accounts_user_id_fkey: constraint _orc_accounts_user_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_accounts_user_id_fkey')

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null";
-- step rollback.set_not_null.accounts.user_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_user_id" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_user_id" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_user_id"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_user_id", DROP COLUMN IF EXISTS "_orc_side_accounts_user_id";
