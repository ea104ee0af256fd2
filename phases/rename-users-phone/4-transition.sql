-- plan rename-users-phone: phase 4 of 5, transition

-- step rename_column.users.phone.validate._orc_nn_users_phone
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone' AND NOT convalidated) THEN
    ALTER TABLE "public"."users" VALIDATE CONSTRAINT "_orc_nn_users_phone";
  END IF;
END $orc$;

-- step rename_column.users.phone.set_not_null
ALTER TABLE "public"."users" ALTER COLUMN "phone" SET NOT NULL;
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "_orc_nn_users_phone";

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.not_null: column users.phone is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND attnotnull AND NOT attisdropped)
-- check rename_column.users.phone.parity: no row of users where ("phone" IS DISTINCT FROM "phone_number")
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where ("phone" IS DISTINCT FROM "phone_number")

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-users-phone"."users";
--   DROP SCHEMA IF EXISTS "rename-users-phone";
-- step rollback.rename_column.users.phone.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-users-phone_old"."users";
--   DROP SCHEMA IF EXISTS "rename-users-phone_old";
