-- plan add-users-email: phase 2 of 5, dual_write

-- step add_column.users.email.fill_function
CREATE OR REPLACE FUNCTION "public"."_orc_fill_users_email"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF NEW."email" IS NULL THEN
    NEW."email" := (SELECT ('user' || id || '@example.com') FROM (SELECT NEW."id" AS "id", NEW."name" AS "name", NEW."created_at" AS "created_at", NEW."phone_number" AS "phone_number") AS _row);
  END IF;
  RETURN NEW;
END;
$orc$;

-- step add_column.users.email.fill_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_fill_users_email') THEN
    CREATE TRIGGER "_orc_fill_users_email" BEFORE INSERT OR UPDATE ON "public"."users" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_fill_users_email"();
  END IF;
END $orc$;

-- step add_column.users.email.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_email') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "_orc_nn_users_email" CHECK ("email" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.trigger: trigger _orc_fill_users_email present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname = '_orc_fill_users_email' AND tgenabled IN ('O', 'A'))
-- check add_column.users.email.probe_fill: a write that leaves email NULL gets it filled (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "email" = NULL FROM a WHERE t."id" = a."id" RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(u."email" IS NOT NULL OR (SELECT ('user' || id || '@example.com') FROM (SELECT u."id" AS "id", u."name" AS "name", u."created_at" AS "created_at", u."phone_number" AS "phone_number") AS _row) IS NULL) FROM u), false) END
-- check add_column.users.email.not_null_check: constraint _orc_nn_users_email exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = '_orc_nn_users_email')

-- rollback from this phase:
-- step rollback.add_column.users.email.drop_column
--   DROP TRIGGER IF EXISTS "_orc_fill_users_email" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_fill_users_email"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "email";
