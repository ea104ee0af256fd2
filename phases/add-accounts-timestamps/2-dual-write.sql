-- plan add-accounts-timestamps: phase 2 of 5, dual_write

-- step add_column.accounts.created_at.fill_function
CREATE OR REPLACE FUNCTION "public"."_orc_fill_accounts_created_at"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF NEW."created_at" IS NULL THEN
    NEW."created_at" := (SELECT (now()) FROM (SELECT NEW."id" AS "id", NEW."user_id" AS "user_id", NEW."balance" AS "balance") AS _row);
  END IF;
  RETURN NEW;
END;
$orc$;

-- step add_column.accounts.created_at.fill_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_fill_accounts_created_at') THEN
    CREATE TRIGGER "_orc_fill_accounts_created_at" BEFORE INSERT OR UPDATE ON "public"."accounts" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_fill_accounts_created_at"();
  END IF;
END $orc$;

-- step add_column.accounts.created_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_created_at') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_created_at" CHECK ("created_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step add_column.accounts.updated_at.fill_function
CREATE OR REPLACE FUNCTION "public"."_orc_fill_accounts_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF NEW."updated_at" IS NULL THEN
    NEW."updated_at" := (SELECT (now()) FROM (SELECT NEW."id" AS "id", NEW."user_id" AS "user_id", NEW."balance" AS "balance", NEW."created_at" AS "created_at") AS _row);
  END IF;
  RETURN NEW;
END;
$orc$;

-- step add_column.accounts.updated_at.fill_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_fill_accounts_updated_at') THEN
    CREATE TRIGGER "_orc_fill_accounts_updated_at" BEFORE INSERT OR UPDATE ON "public"."accounts" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_fill_accounts_updated_at"();
  END IF;
END $orc$;

-- step add_column.accounts.updated_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_updated_at') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_updated_at" CHECK ("updated_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.trigger: trigger _orc_fill_accounts_created_at present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname = '_orc_fill_accounts_created_at' AND tgenabled IN ('O', 'A'))
-- check add_column.accounts.created_at.probe_fill: a write that leaves created_at NULL gets it filled (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT "id" FROM "public"."accounts" ORDER BY "id" LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "created_at" = NULL FROM a WHERE t."id" = a."id" RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(u."created_at" IS NOT NULL OR (SELECT (now()) FROM (SELECT u."id" AS "id", u."user_id" AS "user_id", u."balance" AS "balance") AS _row) IS NULL) FROM u), false) END
-- check add_column.accounts.created_at.not_null_check: constraint _orc_nn_accounts_created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_created_at')
-- check add_column.accounts.updated_at.trigger: trigger _orc_fill_accounts_updated_at present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname = '_orc_fill_accounts_updated_at' AND tgenabled IN ('O', 'A'))
-- check add_column.accounts.updated_at.probe_fill: a write that leaves updated_at NULL gets it filled (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT "id" FROM "public"."accounts" ORDER BY "id" LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "updated_at" = NULL FROM a WHERE t."id" = a."id" RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(u."updated_at" IS NOT NULL OR (SELECT (now()) FROM (SELECT u."id" AS "id", u."user_id" AS "user_id", u."balance" AS "balance", u."created_at" AS "created_at") AS _row) IS NULL) FROM u), false) END
-- check add_column.accounts.updated_at.not_null_check: constraint _orc_nn_accounts_updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_updated_at')

-- rollback from this phase:
-- step rollback.add_column.accounts.updated_at.drop_column
--   DROP TRIGGER IF EXISTS "_orc_fill_accounts_updated_at" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_fill_accounts_updated_at"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "updated_at";
-- step rollback.add_column.accounts.created_at.drop_column
--   DROP TRIGGER IF EXISTS "_orc_fill_accounts_created_at" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_fill_accounts_created_at"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "created_at";
