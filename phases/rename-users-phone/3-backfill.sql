-- plan rename-users-phone: phase 3 of 5, backfill

-- backfill rename_column.users.phone: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "phone" = "phone_number" WHERE <key in batch> AND (("phone" IS DISTINCT FROM "phone_number"));

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.parity: no row of users where ("phone" IS DISTINCT FROM "phone_number")
--   batched scan of public.users along (id) for rows where ("phone" IS DISTINCT FROM "phone_number")

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
