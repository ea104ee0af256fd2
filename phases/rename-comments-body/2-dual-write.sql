-- plan rename-comments-body: phase 2 of 5, dual_write

-- step rename_column.comments.body.sync_function
CREATE OR REPLACE FUNCTION "public"."_orc_sync_comments_body"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _up0 text;
  _down0 text;
  _new_side boolean;
BEGIN
  -- What the new side should hold, computed from the row as the old application sees it.
  _up0 := NEW."contents";
  IF NEW."body" IS NOT DISTINCT FROM _up0 THEN
    RETURN NEW;
  END IF;
  -- The sides disagree: whichever side the statement wrote wins (the new one if both).
  IF TG_OP = 'INSERT' THEN
    _new_side := NEW."body" IS DISTINCT FROM NULL;
  ELSE
    _new_side := NEW."body" IS DISTINCT FROM OLD."body";
  END IF;
  IF _new_side THEN
  _down0 := NEW."body";
    NEW."contents" := _down0;
  ELSE
    NEW."body" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;

-- step rename_column.comments.body.sync_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."comments"'::regclass AND tgname = '_orc_sync_comments_body') THEN
    CREATE TRIGGER "_orc_sync_comments_body" BEFORE INSERT OR UPDATE ON "public"."comments" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_sync_comments_body"();
  END IF;
END $orc$;

-- step rename_column.comments.body.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = '_orc_nn_comments_body') THEN
    ALTER TABLE "public"."comments" ADD CONSTRAINT "_orc_nn_comments_body" CHECK ("body" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.not_null_check: constraint _orc_nn_comments_body exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = '_orc_nn_comments_body')
-- check rename_column.comments.body.trigger: trigger _orc_sync_comments_body present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."comments"') AND tgname = '_orc_sync_comments_body' AND tgenabled IN ('O', 'A'))
-- check rename_column.comments.body.probe_old_to_new: a write of the old side reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0 FROM "public"."comments" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."contents" AS _o0, t."contents" AS _n0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "contents" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."body" IS NOT DISTINCT FROM u."contents") FROM u), false) END
-- check rename_column.comments.body.probe_new_to_old: a write of the new side reaches the old side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0 FROM "public"."comments" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."contents" AS _o0, t."contents" AS _n0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "body" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."contents" IS NOT DISTINCT FROM u."body") FROM u), false) END

-- rollback from this phase:
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
