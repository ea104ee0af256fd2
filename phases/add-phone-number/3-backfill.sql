-- plan add-phone-number: phase 3 of 5, backfill

-- backfill add_column.users.phone_number: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "phone_number" = (COALESCE("phone_number", ('+1-555-' || lpad(id::text, 7, '0')))), "_orc_side_users_phone_number" = 'b' WHERE <key in batch> AND ("_orc_side_users_phone_number" = '0');

-- gate (checked before `next` leaves this phase):
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
