-- plan add-users-email: phase 3 of 5, backfill

-- backfill add_column.users.email: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "email" = (COALESCE("email", ('user' || id || '@example.com'))), "_orc_side_users_email" = 'b' WHERE <key in batch> AND ("_orc_side_users_email" = '0');

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.parity: no row of users where "_orc_side_users_email" = '0'
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_users_email" WHEN '0' THEN true WHEN 'n' THEN false ELSE ("email" IS DISTINCT FROM CAST((COALESCE("email", ('user' || id || '@example.com'))) AS text)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-users-email"."users";
--   DROP SCHEMA IF EXISTS "add-users-email";
-- step rollback.add_column.users.email.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_email" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_email" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_email"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "email", DROP COLUMN IF EXISTS "_orc_side_users_email";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-users-email_old"."users";
--   DROP SCHEMA IF EXISTS "add-users-email_old";
