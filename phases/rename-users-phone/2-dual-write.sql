-- plan rename-users-phone: phase 2 of 5, dual_write

-- step rename_column.users.phone.sync_function
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_phone"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _up0 text;
  _down0 text;
  _new_side boolean;
BEGIN
  -- What the new side should hold, computed from the row as the old application sees it.
  _up0 := NEW."phone_number";
  IF NEW."phone" IS NOT DISTINCT FROM _up0 THEN
    RETURN NEW;
  END IF;
  -- The sides disagree: whichever side the statement wrote wins (the new one if both).
  IF TG_OP = 'INSERT' THEN
    _new_side := NEW."phone" IS DISTINCT FROM (''::text);
  ELSE
    _new_side := NEW."phone" IS DISTINCT FROM OLD."phone";
  END IF;
  IF _new_side THEN
  _down0 := NEW."phone";
    NEW."phone_number" := _down0;
  ELSE
    NEW."phone" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;

-- step rename_column.users.phone.sync_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_users_phone') THEN
    CREATE TRIGGER "_orc_sync_users_phone" BEFORE INSERT OR UPDATE ON "public"."users" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_sync_users_phone"();
  END IF;
END $orc$;

-- step rename_column.users.phone.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "_orc_nn_users_phone" CHECK ("phone" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.not_null_check: constraint _orc_nn_users_phone exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = '_orc_nn_users_phone')
-- check rename_column.users.phone.trigger: trigger _orc_sync_users_phone present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname = '_orc_sync_users_phone' AND tgenabled IN ('O', 'A'))
-- check rename_column.users.phone.probe_old_to_new: a write of the old side reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."phone_number" AS _o0 FROM "public"."users" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."phone_number" AS _o0, t."phone_number" AS _n0 FROM "public"."users" t, a WHERE t."phone_number" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "phone_number" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."phone" IS NOT DISTINCT FROM u."phone_number") FROM u), false) END
-- check rename_column.users.phone.probe_new_to_old: a write of the new side reaches the old side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."phone_number" AS _o0 FROM "public"."users" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."phone_number" AS _o0, t."phone_number" AS _n0 FROM "public"."users" t, a WHERE t."phone_number" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "phone" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."phone_number" IS NOT DISTINCT FROM u."phone") FROM u), false) END

-- rollback from this phase:
-- step rollback.rename_column.users.phone.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_phone" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone";
