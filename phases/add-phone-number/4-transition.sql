-- plan add-phone-number: phase 4 of 5, transition

-- step add_column.users.phone_number.validate._orc_nn_users_phone_number
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone_number' AND NOT convalidated) THEN
    ALTER TABLE "public"."users" VALIDATE CONSTRAINT "_orc_nn_users_phone_number";
  END IF;
END $orc$;

-- step add_column.users.phone_number.set_not_null
ALTER TABLE "public"."users" ALTER COLUMN "phone_number" SET NOT NULL;
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "_orc_nn_users_phone_number";

-- gate (checked before `next` leaves this phase):
-- check add_column.users.phone_number.not_null: column users.phone_number is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND attnotnull AND NOT attisdropped)
-- check add_column.users.phone_number.parity: no row of users where "_orc_side_users_phone_number" = '0'
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_users_phone_number" WHEN '0' THEN true WHEN 'n' THEN false ELSE ("phone_number" IS DISTINCT FROM CAST((COALESCE("phone_number", ('+1-555-' || lpad(id::text, 7, '0')))) AS text)) END
-- check create_index.users.users_phone_number_idx.valid: index users_phone_number_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-phone-number"."users";
--   DROP SCHEMA IF EXISTS "add-phone-number";
-- step rollback.create_index.users.users_phone_number_idx
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."users_phone_number_idx";
-- step rollback.add_column.users.phone_number.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone_number" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone_number" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone_number"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number", DROP COLUMN IF EXISTS "_orc_side_users_phone_number";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-phone-number_old"."users";
--   DROP SCHEMA IF EXISTS "add-phone-number_old";
