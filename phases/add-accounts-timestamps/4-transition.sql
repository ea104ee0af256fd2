-- plan add-accounts-timestamps: phase 4 of 5, transition

-- step add_column.accounts.created_at.validate._orc_nn_accounts_created_at
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_created_at' AND NOT convalidated) THEN
    ALTER TABLE "public"."accounts" VALIDATE CONSTRAINT "_orc_nn_accounts_created_at";
  END IF;
END $orc$;

-- step add_column.accounts.created_at.set_not_null
ALTER TABLE "public"."accounts" ALTER COLUMN "created_at" SET NOT NULL;
ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "_orc_nn_accounts_created_at";

-- step add_column.accounts.updated_at.validate._orc_nn_accounts_updated_at
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_updated_at' AND NOT convalidated) THEN
    ALTER TABLE "public"."accounts" VALIDATE CONSTRAINT "_orc_nn_accounts_updated_at";
  END IF;
END $orc$;

-- step add_column.accounts.updated_at.set_not_null
ALTER TABLE "public"."accounts" ALTER COLUMN "updated_at" SET NOT NULL;
ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "_orc_nn_accounts_updated_at";

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.not_null: column accounts.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_column.accounts.updated_at.not_null: column accounts.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-accounts-timestamps"."accounts";
--   DROP SCHEMA IF EXISTS "add-accounts-timestamps";
-- step rollback.add_column.accounts.updated_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "updated_at";
-- step rollback.add_column.accounts.created_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "created_at";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-accounts-timestamps_old"."accounts";
--   DROP SCHEMA IF EXISTS "add-accounts-timestamps_old";
