-- plan rename-users-phone: phase 1 of 5, expand

-- step rename_column.users.phone.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "phone" text,
  ALTER COLUMN "phone" SET DEFAULT ''::text;

-- step rename_column.users.phone.index.users_phone_number_idx.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND NOT indisvalid) THEN
    DROP INDEX "public"."users_phone_idx";
  END IF;
END $orc$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_phone_idx" ON "public"."users" USING btree ("phone");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND indisvalid AND indisready)

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.column: column users.phone exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND NOT attisdropped)
-- check rename_column.users.phone.index.users_phone_number_idx: index users_phone_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND indisvalid AND indisready)

-- rollback from this phase:
-- step rollback.rename_column.users.phone.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone";
