-- plan add-phone-number: phase 5 of 5, contract

-- step add_column.users.phone_number.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone_number" ON "public"."users";
DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone_number" ON "public"."users";
DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone_number"();
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_orc_side_users_phone_number";

-- gate (checked before `next` leaves this phase):
-- check add_column.users.phone_number.present: column users.phone_number exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND NOT attisdropped)
-- check add_column.users.phone_number.not_null: column users.phone_number is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'phone_number' AND attnotnull AND NOT attisdropped)
-- check add_column.users.phone_number.sync_gone: triggers _orc_sync_ins_users_phone_number and _orc_sync_upd_users_phone_number and function _orc_sync_users_phone_number dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_users_phone_number', '_orc_sync_upd_users_phone_number') AND tgrelid = to_regclass('"public"."users"')) AND to_regprocedure('"public"."_orc_sync_users_phone_number"()') IS NULL
-- check add_column.users.phone_number.no_helpers: no helper objects (_orc_*) left on users
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check create_index.users.users_phone_number_idx.valid: index users_phone_number_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)
