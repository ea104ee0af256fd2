-- plan split-users-name: phase 1 of 5, expand

-- step split_column.users.name.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "first_name" text,
  ADD COLUMN IF NOT EXISTS "last_name" text,
  ADD COLUMN IF NOT EXISTS "_orc_side_users_first_name" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.column.first_name: column users.first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'first_name' AND NOT attisdropped)
-- check split_column.users.name.column.last_name: column users.last_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'last_name' AND NOT attisdropped)
-- check split_column.users.name.side_column: column users._orc_side_users_first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = '_orc_side_users_first_name' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";
