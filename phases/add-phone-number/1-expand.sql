-- plan add-phone-number: phase 1 of 5, expand

-- step add_column.users.phone_number.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "phone_number" text,
  ALTER COLUMN "phone_number" SET DEFAULT '',
  ADD COLUMN IF NOT EXISTS "_orc_side_users_phone_number" "char" NOT NULL DEFAULT '0';

-- step create_index.users.users_phone_number_idx.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND NOT indisvalid) THEN
    DROP INDEX "public"."users_phone_number_idx";
  END IF;
END $orc$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_phone_number_idx" ON "public"."users" USING btree ("phone_number");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)

-- gate (checked before `next` leaves this phase):
-- check add_column.users.phone_number.column: column users.phone_number exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND NOT attisdropped)
-- check add_column.users.phone_number.side_column: column users._orc_side_users_phone_number exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = '_orc_side_users_phone_number' AND NOT attisdropped)
-- check create_index.users.users_phone_number_idx.valid: index users_phone_number_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)

-- rollback from this phase:
-- step rollback.create_index.users.users_phone_number_idx
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."users_phone_number_idx";
-- step rollback.add_column.users.phone_number.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone_number" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone_number" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone_number"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number", DROP COLUMN IF EXISTS "_orc_side_users_phone_number";
