-- plan rename-users-phone: phase 5 of 5, contract

-- step rename_column.users.phone.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number";

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.old_gone.phone_number: column users.phone_number is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND NOT attisdropped)
-- check rename_column.users.phone.present: column users.phone exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND NOT attisdropped)
-- check rename_column.users.phone.not_null: column users.phone is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone' AND attnotnull AND NOT attisdropped)
-- check rename_column.users.phone.index.users_phone_idx: index users_phone_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_idx"') AND indisvalid AND indisready)
-- check rename_column.users.phone.sync_gone: triggers _orc_sync_ins_users_phone and _orc_sync_upd_users_phone and function _orc_sync_users_phone dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_phone', '_orc_sync_upd_users_phone') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_phone"()') IS NULL
-- check rename_column.users.phone.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
