-- plan add-users-email: phase 4 of 5, transition

-- step add_column.users.email.validate._orc_nn_users_email
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_email' AND NOT convalidated) THEN
    ALTER TABLE "public"."users" VALIDATE CONSTRAINT "_orc_nn_users_email";
  END IF;
END $orc$;

-- step add_column.users.email.set_not_null
ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "_orc_nn_users_email";

-- step add_column.users.email.validate.users_email_check
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = 'users_email_check' AND NOT convalidated) THEN
    ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_check";
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.not_null: column users.email is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND attnotnull AND NOT attisdropped)
-- check add_column.users.email.parity: no row of users where "_orc_side_users_email" = '0'
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_users_email" WHEN '0' THEN true WHEN 'n' THEN false ELSE ("email" IS DISTINCT FROM CAST((COALESCE("email", ('user' || id || '@example.com'))) AS text)) END
-- check add_column.users.email.validated.users_email_check: constraint users_email_check exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = 'users_email_check' AND convalidated)

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
