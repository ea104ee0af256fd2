-- plan add-phone-number: phase 2 of 5, dual_write

-- step add_column.users.phone_number.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_phone_number"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('add-phone-number' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR (true AND NOT (NOT NEW."phone_number" IS DISTINCT FROM CAST(('') AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF false THEN
      IF (NEW."phone_number" IS DISTINCT FROM OLD."phone_number") AND COALESCE('add-phone-number' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."phone_number" IS DISTINCT FROM OLD."phone_number") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_users_phone_number" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    NULL;
  ELSE
    DECLARE
      "id" bigint := NEW."id";
      "name" text := NEW."name";
      "created_at" timestamp with time zone := NEW."created_at";
      "phone_number" text := NEW."phone_number";
    BEGIN
      _up0 := (COALESCE("phone_number", ('+1-555-' || lpad(id::text, 7, '0'))));
    END;
    NEW."phone_number" := _up0;
  END IF;
  NEW."_orc_side_users_phone_number" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_ins_users_phone_number') THEN
    CREATE TRIGGER "_orc_sync_ins_users_phone_number" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_users_phone_number"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_upd_users_phone_number') THEN
    CREATE TRIGGER "_orc_sync_upd_users_phone_number" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((OLD."_orc_side_users_phone_number" = '0' AND NEW."_orc_side_users_phone_number" = '0') OR (NEW."_orc_side_users_phone_number" = OLD."_orc_side_users_phone_number" AND (NEW."phone_number" IS DISTINCT FROM OLD."phone_number"))) EXECUTE FUNCTION "public"."_orc_sync_users_phone_number"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."users" WHERE "_orc_side_users_phone_number" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."users" SET "_orc_side_users_phone_number" = "_orc_side_users_phone_number" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step add_column.users.phone_number.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone_number') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "_orc_nn_users_phone_number" CHECK ("phone_number" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "add-phone-number";
CREATE OR REPLACE VIEW "add-phone-number"."users" AS SELECT "id", "name", "created_at", "phone_number" FROM "public"."users";
COMMENT ON VIEW "add-phone-number"."users" IS 'orchestrate: the new application''s view of "public"."users" while plan add-phone-number runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('name', 'name'), ('created_at', 'created_at'), ('phone_number', 'phone_number')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."users"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-phone-number"."users"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-phone-number"."users"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."users"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-phone-number"."users"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-phone-number"."users"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-phone-number"."users"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."users"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."users"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-phone-number"."users"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-phone-number"."users"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "add-phone-number" FROM PUBLIC;
GRANT USAGE ON SCHEMA "add-phone-number" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check add_column.users.phone_number.not_null_check: constraint _orc_nn_users_phone_number exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = '_orc_nn_users_phone_number')
-- check add_column.users.phone_number.trigger: triggers _orc_sync_ins_users_phone_number and _orc_sync_upd_users_phone_number present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname IN ('_orc_sync_ins_users_phone_number', '_orc_sync_upd_users_phone_number') AND tgenabled IN ('O', 'A')) = 2
-- check add_column.users.phone_number.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."users" t WHERE t."_orc_side_users_phone_number" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."users" t SET "_orc_side_users_phone_number" = t."_orc_side_users_phone_number" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."phone_number" IS DISTINCT FROM CAST((COALESCE("phone_number", ('+1-555-' || lpad(id::text, 7, '0')))) AS text) AND u."_orc_side_users_phone_number" = 'o') FROM u), false) END
-- check create_index.users.users_phone_number_idx.valid: index users_phone_number_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."users_phone_number_idx"') AND indisvalid AND indisready)
-- check version_schema.view.add-phone-number.users: view add-phone-number.users shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"add-phone-number"."users"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-phone-number"."users";
--   DROP SCHEMA IF EXISTS "add-phone-number";
-- step rollback.create_index.users.users_phone_number_idx
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."users_phone_number_idx";
-- step rollback.add_column.users.phone_number.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone_number" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone_number" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone_number"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone_number", DROP COLUMN IF EXISTS "_orc_side_users_phone_number";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-phone-number_old"."users";
--   DROP SCHEMA IF EXISTS "add-phone-number_old";
