-- plan add-users-email: phase 1 of 5, expand

-- step add_column.users.email.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "email" text,
  ALTER COLUMN "email" SET DEFAULT '',
  ADD COLUMN IF NOT EXISTS "_orc_side_users_email" "char" NOT NULL DEFAULT '0';

-- step add_column.users.email.check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = 'users_email_check') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_check" CHECK (email = '' OR email LIKE '%_@_%') NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.column: column users.email exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND NOT attisdropped)
-- check add_column.users.email.side_column: column users._orc_side_users_email exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = '_orc_side_users_email' AND NOT attisdropped)
-- check add_column.users.email.check: constraint users_email_check exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = 'users_email_check')

-- rollback from this phase:
-- step rollback.add_column.users.email.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_email" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_email" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_email"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "email", DROP COLUMN IF EXISTS "_orc_side_users_email";
