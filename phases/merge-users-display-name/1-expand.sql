-- plan merge-users-display-name: phase 1 of 5, expand

-- step merge_columns.users.display_name.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "display_name" text,
  ADD COLUMN IF NOT EXISTS "_orc_side_users_display_name" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.column: column users.display_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'display_name' AND NOT attisdropped)
-- check merge_columns.users.display_name.side_column: column users._orc_side_users_display_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = '_orc_side_users_display_name' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_display_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name", DROP COLUMN IF EXISTS "_orc_side_users_display_name";
