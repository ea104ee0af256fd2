-- plan add-phone-number: phase 2 of 5, dual_write

-- step add_column.users.phone_number.fill_function
CREATE OR REPLACE FUNCTION "public"."_orc_fill_users_phone_number"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF NEW."phone_number" IS NULL THEN
    NEW."phone_number" := (SELECT ('+1-555-' || lpad(id::text, 7, '0')) FROM (SELECT NEW."id" AS "id", NEW."name" AS "name", NEW."created_at" AS "created_at") AS _row);
  END IF;
  RETURN NEW;
END;
$orc$;

-- step add_column.users.phone_number.fill_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_fill_users_phone_number') THEN
    CREATE TRIGGER "_orc_fill_users_phone_number" BEFORE INSERT OR UPDATE ON "public"."users" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_fill_users_phone_number"();
  END IF;
END $orc$;

-- step add_column.users.phone_number.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone_number') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "_orc_nn_users_phone_number" CHECK ("phone_number" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.users.phone_number.trigger: trigger _orc_fill_users_phone_number present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname = '_orc_fill_users_phone_number' AND tgenabled IN ('O', 'A'))
-- check add_column.users.phone_number.probe_fill: a write that leaves phone_number NULL gets it filled (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "phone_number" = NULL FROM a WHERE t."id" = a."id" RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(u."phone_number" IS NOT NULL OR (SELECT ('+1-555-' || lpad(id::text, 7, '0')) FROM (SELECT u."id" AS "id", u."name" AS "name", u."created_at" AS "created_at") AS _row) IS NULL) FROM u), false) END
-- check add_column.users.phone_number.not_null_check: constraint _orc_nn_users_phone_number exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = '_orc_nn_users_phone_number')
-- check create_index.users.users_phone_number_idx.valid: index users_phone_number_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)

-- rollback from this phase:
-- step rollback.create_index.users.users_phone_number_idx
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."users_phone_number_idx";
-- step rollback.add_column.users.phone_number.drop_column
--   DROP TRIGGER IF EXISTS "_orc_fill_users_phone_number" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_fill_users_phone_number"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number";
