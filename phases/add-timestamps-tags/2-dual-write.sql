-- plan add-timestamps-tags: phase 2 of 5, dual_write

-- step add_timestamps.tags.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_tags_timestamps"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 timestamp with time zone;
  _up1 timestamp with time zone;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('add-timestamps-tags' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR (true AND NOT (NOT NEW."created_at" IS DISTINCT FROM CAST((now()) AS timestamp with time zone) AND NOT NEW."updated_at" IS DISTINCT FROM CAST((now()) AS timestamp with time zone))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF false THEN
      IF (NEW."created_at" IS DISTINCT FROM OLD."created_at" OR NEW."updated_at" IS DISTINCT FROM OLD."updated_at") AND COALESCE('add-timestamps-tags' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."created_at" IS DISTINCT FROM OLD."created_at" OR NEW."updated_at" IS DISTINCT FROM OLD."updated_at") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_tags_timestamps" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    IF TG_OP = 'UPDATE' AND OLD."_orc_side_tags_timestamps" = '0' THEN
    DECLARE
      "id" integer := NEW."id";
      "label" text := NEW."label";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
    BEGIN
      _up0 := (COALESCE("created_at", (now())));
      _up1 := (COALESCE("updated_at", (now())));
    END;
      IF NOT NEW."created_at" IS DISTINCT FROM OLD."created_at" THEN
        NEW."created_at" := _up0;
      END IF;
      IF NOT NEW."updated_at" IS DISTINCT FROM OLD."updated_at" THEN
        NEW."updated_at" := _up1;
      END IF;
    END IF;
    NULL;
  ELSE
    DECLARE
      "id" integer := NEW."id";
      "label" text := NEW."label";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
    BEGIN
      _up0 := (COALESCE("created_at", (now())));
      _up1 := (COALESCE("updated_at", (now())));
    END;
    NEW."created_at" := _up0;
    NEW."updated_at" := _up1;
  END IF;
  NEW."_orc_side_tags_timestamps" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."tags"'::regclass AND tgname = '_orc_sync_ins_tags_timestamps') THEN
    CREATE TRIGGER "_orc_sync_ins_tags_timestamps" BEFORE INSERT ON "public"."tags" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_tags_timestamps"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."tags"'::regclass AND tgname = '_orc_sync_upd_tags_timestamps') THEN
    CREATE TRIGGER "_orc_sync_upd_tags_timestamps" BEFORE UPDATE ON "public"."tags" FOR EACH ROW WHEN ((OLD."_orc_side_tags_timestamps" = '0' AND NEW."_orc_side_tags_timestamps" = '0') OR (NEW."_orc_side_tags_timestamps" = OLD."_orc_side_tags_timestamps" AND (NEW."created_at" IS DISTINCT FROM OLD."created_at" OR NEW."updated_at" IS DISTINCT FROM OLD."updated_at"))) EXECUTE FUNCTION "public"."_orc_sync_tags_timestamps"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."tags" WHERE "_orc_side_tags_timestamps" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."tags" SET "_orc_side_tags_timestamps" = "_orc_side_tags_timestamps" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step add_timestamps.tags.created_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."tags"'::regclass AND conname = '_orc_nn_tags_created_at') THEN
    ALTER TABLE "public"."tags" ADD CONSTRAINT "_orc_nn_tags_created_at" CHECK ("created_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step add_timestamps.tags.updated_at.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."tags"'::regclass AND conname = '_orc_nn_tags_updated_at') THEN
    ALTER TABLE "public"."tags" ADD CONSTRAINT "_orc_nn_tags_updated_at" CHECK ("updated_at" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step add_timestamps.tags.touch
CREATE OR REPLACE FUNCTION "public"."touch_tags_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF TG_ARGV[0] = 'named' THEN
    -- The UPDATE names the column: what it wrote stays.
    PERFORM pg_catalog.set_config('orchestrate.touch_named', TG_RELID::text || ':' || OLD.ctid::text, true);
    RETURN NEW;
  END IF;
  IF pg_catalog.current_setting('orchestrate.touch_named', true) = TG_RELID::text || ':' || OLD.ctid::text THEN
    PERFORM pg_catalog.set_config('orchestrate.touch_named', '', true);
    RETURN NEW;
  END IF;
  NEW."updated_at" := pg_catalog.now();
  RETURN NEW;
END $orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."tags"'::regclass AND tgname = 'touch_tags_updated_at_1') THEN
    CREATE TRIGGER "touch_tags_updated_at_1" BEFORE UPDATE OF "updated_at" ON "public"."tags" FOR EACH ROW EXECUTE FUNCTION "public"."touch_tags_updated_at"('named');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."tags"'::regclass AND tgname = 'touch_tags_updated_at_2') THEN
    CREATE TRIGGER "touch_tags_updated_at_2" BEFORE UPDATE ON "public"."tags" FOR EACH ROW EXECUTE FUNCTION "public"."touch_tags_updated_at"('advance');
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."tags" LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."tags" SET "updated_at" = "updated_at" WHERE ctid = _row RETURNING ctid INTO _row;
      UPDATE "public"."tags" SET "id" = "id" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "add-timestamps-tags";
CREATE OR REPLACE VIEW "add-timestamps-tags"."tags" AS SELECT "id", "label", "created_at", "updated_at" FROM "public"."tags";
COMMENT ON VIEW "add-timestamps-tags"."tags" IS 'orchestrate: the new application''s view of "public"."tags" while plan add-timestamps-tags runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('label', 'label'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."tags"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-timestamps-tags"."tags"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-timestamps-tags"."tags"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."tags"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-timestamps-tags"."tags"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-timestamps-tags"."tags"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-timestamps-tags"."tags"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."tags"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."tags"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-timestamps-tags"."tags"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-timestamps-tags"."tags"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "add-timestamps-tags" FROM PUBLIC;
GRANT USAGE ON SCHEMA "add-timestamps-tags" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.created_at.not_null_check: constraint _orc_nn_tags_created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."tags"') AND conname = '_orc_nn_tags_created_at')
-- check add_timestamps.tags.updated_at.not_null_check: constraint _orc_nn_tags_updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."tags"') AND conname = '_orc_nn_tags_updated_at')
-- check add_timestamps.tags.trigger: triggers _orc_sync_ins_tags_timestamps and _orc_sync_upd_tags_timestamps present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname IN ('_orc_sync_ins_tags_timestamps', '_orc_sync_upd_tags_timestamps') AND tgenabled IN ('O', 'A')) = 2
-- check add_timestamps.tags.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."tags" t WHERE t."_orc_side_tags_timestamps" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."tags" t SET "_orc_side_tags_timestamps" = t."_orc_side_tags_timestamps" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."created_at" IS DISTINCT FROM CAST((COALESCE("created_at", (now()))) AS timestamp with time zone) AND NOT u."updated_at" IS DISTINCT FROM CAST((COALESCE("updated_at", (now()))) AS timestamp with time zone) AND u."_orc_side_tags_timestamps" = 'o') FROM u), false) END
-- check add_timestamps.tags.touch: triggers touch_tags_updated_at_1 and touch_tags_updated_at_2 advance tags.updated_at on every UPDATE that does not write it
--   SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname IN ('touch_tags_updated_at_1', 'touch_tags_updated_at_2') AND tgenabled <> 'D'
-- check version_schema.view.add-timestamps-tags.tags: view add-timestamps-tags.tags shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"add-timestamps-tags"."tags"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-timestamps-tags"."tags";
--   DROP SCHEMA IF EXISTS "add-timestamps-tags";
-- step rollback.add_timestamps.tags.drop
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_1" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_2" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."touch_tags_updated_at"();
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
--   ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "created_at", DROP COLUMN IF EXISTS "updated_at", DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-timestamps-tags_old"."tags";
--   DROP SCHEMA IF EXISTS "add-timestamps-tags_old";
