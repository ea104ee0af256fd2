-- plan merge-users-display-name: phase 2 of 5, dual_write

-- step merge_columns.users.display_name.sync_function
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_display_name"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _up0 text;
  _down0 text;
  _down1 text;
  _new_side boolean;
BEGIN
  -- What the new side should hold, computed from the row as the old application sees it.
  DECLARE
    "id" bigint := NEW."id";
    "created_at" timestamp with time zone := NEW."created_at";
    "email" text := NEW."email";
    "phone" text := NEW."phone";
    "first_name" text := NEW."first_name";
    "last_name" text := NEW."last_name";
  BEGIN
    _up0 := (concat_ws(' ', first_name, last_name));
  END;
  IF NEW."display_name" IS NOT DISTINCT FROM _up0 THEN
    RETURN NEW;
  END IF;
  -- The sides disagree: whichever side the statement wrote wins (the new one if both).
  IF TG_OP = 'INSERT' THEN
    _new_side := NEW."display_name" IS DISTINCT FROM NULL;
  ELSE
    _new_side := NEW."display_name" IS DISTINCT FROM OLD."display_name";
  END IF;
  IF _new_side THEN
  DECLARE
    "id" bigint := NEW."id";
    "created_at" timestamp with time zone := NEW."created_at";
    "email" text := NEW."email";
    "phone" text := NEW."phone";
    "display_name" text := NEW."display_name";
  BEGIN
    _down0 := (split_part(display_name, ' ', 1));
    _down1 := (nullif(substr(display_name, length(split_part(display_name, ' ', 1)) + 2), ''));
  END;
    NEW."first_name" := _down0;
    NEW."last_name" := _down1;
  ELSE
    NEW."display_name" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;

-- step merge_columns.users.display_name.sync_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_users_display_name') THEN
    CREATE TRIGGER "_orc_sync_users_display_name" BEFORE INSERT OR UPDATE ON "public"."users" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_sync_users_display_name"();
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.trigger: trigger _orc_sync_users_display_name present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname = '_orc_sync_users_display_name' AND tgenabled IN ('O', 'A'))
-- check merge_columns.users.display_name.probe_old_to_new: a write of the old side reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."first_name" AS _o0, t."last_name" AS _o1 FROM "public"."users" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."first_name" AS _o0, t."last_name" AS _o1, (SELECT (concat_ws(' ', first_name, last_name)) FROM (SELECT t."id" AS "id", t."created_at" AS "created_at", t."email" AS "email", t."phone" AS "phone", t."first_name" AS "first_name", t."last_name" AS "last_name") AS _view) AS _n0 FROM "public"."users" t, a WHERE t."first_name" IS DISTINCT FROM a._o0 OR t."last_name" IS DISTINCT FROM a._o1 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "first_name" = b._o0, "last_name" = b._o1 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."display_name" IS NOT DISTINCT FROM (SELECT (concat_ws(' ', first_name, last_name)) FROM (SELECT u."id" AS "id", u."created_at" AS "created_at", u."email" AS "email", u."phone" AS "phone", u."first_name" AS "first_name", u."last_name" AS "last_name") AS _view)) FROM u), false) END
-- check merge_columns.users.display_name.probe_new_to_old: a write of the new side reaches the old side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."first_name" AS _o0, t."last_name" AS _o1 FROM "public"."users" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."first_name" AS _o0, t."last_name" AS _o1, (SELECT (concat_ws(' ', first_name, last_name)) FROM (SELECT t."id" AS "id", t."created_at" AS "created_at", t."email" AS "email", t."phone" AS "phone", t."first_name" AS "first_name", t."last_name" AS "last_name") AS _view) AS _n0 FROM "public"."users" t, a WHERE t."first_name" IS DISTINCT FROM a._o0 OR t."last_name" IS DISTINCT FROM a._o1 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "display_name" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."first_name" IS NOT DISTINCT FROM (SELECT (split_part(display_name, ' ', 1)) FROM (SELECT u."id" AS "id", u."created_at" AS "created_at", u."email" AS "email", u."phone" AS "phone", u."display_name" AS "display_name") AS _view) AND u."last_name" IS NOT DISTINCT FROM (SELECT (nullif(substr(display_name, length(split_part(display_name, ' ', 1)) + 2), '')) FROM (SELECT u."id" AS "id", u."created_at" AS "created_at", u."email" AS "email", u."phone" AS "phone", u."display_name" AS "display_name") AS _view)) FROM u), false) END

-- rollback from this phase:
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name";
