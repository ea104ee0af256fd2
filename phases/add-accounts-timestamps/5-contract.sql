-- plan add-accounts-timestamps: phase 5 of 5, contract

-- step add_column.accounts.created_at.drop_fill
DROP TRIGGER IF EXISTS "_orc_fill_accounts_created_at" ON "public"."accounts";
DROP FUNCTION IF EXISTS "public"."_orc_fill_accounts_created_at"();

-- step add_column.accounts.updated_at.drop_fill
DROP TRIGGER IF EXISTS "_orc_fill_accounts_updated_at" ON "public"."accounts";
DROP FUNCTION IF EXISTS "public"."_orc_fill_accounts_updated_at"();

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.fill_gone: trigger _orc_fill_accounts_created_at and function _orc_fill_accounts_created_at dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '_orc_fill_accounts_created_at' AND tgrelid = to_regclass('"public"."accounts"')) AND to_regprocedure('"public"."_orc_fill_accounts_created_at"()') IS NULL
-- check add_column.accounts.created_at.column: column accounts.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_column.accounts.created_at.not_null: column accounts.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_column.accounts.created_at.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check add_column.accounts.updated_at.fill_gone: trigger _orc_fill_accounts_updated_at and function _orc_fill_accounts_updated_at dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '_orc_fill_accounts_updated_at' AND tgrelid = to_regclass('"public"."accounts"')) AND to_regprocedure('"public"."_orc_fill_accounts_updated_at"()') IS NULL
-- check add_column.accounts.updated_at.column: column accounts.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_column.accounts.updated_at.not_null: column accounts.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)
-- check add_column.accounts.updated_at.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
