-- plan split-users-name: phase 5 of 5, contract

-- step split_column.users.name.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.old_gone.name: column users.name is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'name' AND NOT attisdropped)
-- check split_column.users.name.present.first_name: column users.first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'first_name' AND NOT attisdropped)
-- check split_column.users.name.present.last_name: column users.last_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'last_name' AND NOT attisdropped)
-- check split_column.users.name.sync_gone: triggers _orc_sync_ins_users_first_name and _orc_sync_upd_users_first_name and function _orc_sync_users_first_name dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_first_name', '_orc_sync_upd_users_first_name') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_first_name"()') IS NULL
-- check split_column.users.name.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
