-- plan add-users-email: phase 5 of 5, contract

-- step add_column.users.email.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_email" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_email" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_email"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_orc_side_users_email";

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.present: column users.email exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND NOT attisdropped)
-- check add_column.users.email.not_null: column users.email is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'email' AND attnotnull AND NOT attisdropped)
-- check add_column.users.email.sync_gone: triggers _orc_sync_ins_users_email and _orc_sync_upd_users_email and function _orc_sync_users_email dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_email', '_orc_sync_upd_users_email') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_email"()') IS NULL
-- check add_column.users.email.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
