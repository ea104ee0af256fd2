-- plan rename-comments-body: phase 2 of 5, dual_write

-- step rename_column.comments.body.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_comments_body"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _side "char";
  _new_app boolean := COALESCE('rename-comments-body' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false);
  _up0 text;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF _new_app OR ((NOT NEW."contents" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."body" IS DISTINCT FROM CAST((NULL) AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF _new_app THEN
      IF (NEW."body" IS DISTINCT FROM OLD."body") THEN
        _side := 'n';
      ELSIF (NEW."contents" IS DISTINCT FROM OLD."contents") THEN
        _side := 'o';
      END IF;
    ELSIF (NEW."contents" IS DISTINCT FROM OLD."contents") THEN
      _side := 'o';
    ELSIF (NEW."body" IS DISTINCT FROM OLD."body") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF (OLD."body" IS DISTINCT FROM OLD."contents") THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    _down0 := NEW."body";
    NEW."contents" := _down0;
  ELSE
    _up0 := NEW."contents";
    NEW."body" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."comments"'::regclass AND tgname = '_orc_sync_ins_comments_body') THEN
    CREATE TRIGGER "_orc_sync_ins_comments_body" BEFORE INSERT ON "public"."comments" FOR EACH ROW WHEN ((NEW."body" IS DISTINCT FROM NEW."contents")) EXECUTE FUNCTION "public"."_orc_sync_comments_body"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."comments"'::regclass AND tgname = '_orc_sync_upd_comments_body') THEN
    CREATE TRIGGER "_orc_sync_upd_comments_body" BEFORE UPDATE ON "public"."comments" FOR EACH ROW WHEN ((NEW."body" IS DISTINCT FROM NEW."contents")) EXECUTE FUNCTION "public"."_orc_sync_comments_body"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."comments" WHERE ("body" IS DISTINCT FROM "contents") LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."comments" SET "contents" = "contents" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
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
-- check rename_column.comments.body.trigger: triggers _orc_sync_ins_comments_body and _orc_sync_upd_comments_body present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."comments"') AND tgname IN ('_orc_sync_ins_comments_body', '_orc_sync_upd_comments_body') AND tgenabled IN ('O', 'A')) = 2
-- check rename_column.comments.body.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."comments" t WHERE (t."body" IS DISTINCT FROM t."contents") ORDER BY t."id" LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "contents" = t."contents" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."body" IS DISTINCT FROM u."contents") FROM u), false) END
-- check rename_column.comments.body.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0, t."body" AS _m0 FROM "public"."comments" t ORDER BY t."id" LIMIT 1),
--        b AS (SELECT t."contents" AS _o0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "contents" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."body" IS DISTINCT FROM u."contents") FROM u), false) END
-- check rename_column.comments.body.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'rename-comments-body', true);
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0, t."body" AS _m0 FROM "public"."comments" t ORDER BY t."id" LIMIT 1),
--        b AS (SELECT t."contents" AS _n0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "body" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."contents" IS DISTINCT FROM u."body") FROM u), false) END

-- rollback from this phase:
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
