-- plan rename-users-phone: phase 3 of 5, backfill

-- backfill rename_column.users.phone: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "phone" = "phone_number" WHERE <key in batch> AND (("phone" IS DISTINCT FROM "phone_number"));

-- step rename_column.users.phone.index.users_phone_number_idx.build (outside a transaction) (after the backfill, before the gate)
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
-- check rename_column.users.phone.index.users_phone_number_idx: index users_phone_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND indisvalid AND indisready)
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
