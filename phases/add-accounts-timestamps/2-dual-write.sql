-- plan add-accounts-timestamps: phase 2 of 5, dual_write

-- step add_column.accounts.created_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_created_at') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_created_at" CHECK ("created_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step add_column.accounts.updated_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_updated_at') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_updated_at" CHECK ("updated_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.not_null_check: constraint _orc_nn_accounts_created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_created_at')
-- check add_column.accounts.updated_at.not_null_check: constraint _orc_nn_accounts_updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_updated_at')

-- rollback from this phase:
-- step rollback.add_column.accounts.updated_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "updated_at";
-- step rollback.add_column.accounts.created_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "created_at";
