-- plan split-users-name: phase 2 of 5, dual_write

-- step split_column.users.name.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_first_name"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 text;
  _up1 text;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('split-users-name' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."name" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."first_name" IS DISTINCT FROM CAST((NULL) AS text) AND NOT NEW."last_name" IS DISTINCT FROM CAST((NULL) AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."name" IS DISTINCT FROM OLD."name") THEN
      IF (NEW."first_name" IS DISTINCT FROM OLD."first_name" OR NEW."last_name" IS DISTINCT FROM OLD."last_name") AND COALESCE('split-users-name' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."first_name" IS DISTINCT FROM OLD."first_name" OR NEW."last_name" IS DISTINCT FROM OLD."last_name") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_users_first_name" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    IF TG_OP = 'UPDATE' AND OLD."_orc_side_users_first_name" = '0' THEN
    DECLARE
      "id" bigint := NEW."id";
      "name" text := NEW."name";
      "created_at" timestamp with time zone := NEW."created_at";
      "email" text := NEW."email";
      "phone" text := NEW."phone";
    BEGIN
      _up0 := (split_part(name, ' ', 1));
      _up1 := (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''));
    END;
      IF NOT NEW."first_name" IS DISTINCT FROM OLD."first_name" THEN
        NEW."first_name" := _up0;
      END IF;
      IF NOT NEW."last_name" IS DISTINCT FROM OLD."last_name" THEN
        NEW."last_name" := _up1;
      END IF;
    END IF;
    DECLARE
      "id" bigint := NEW."id";
      "created_at" timestamp with time zone := NEW."created_at";
      "email" text := NEW."email";
      "phone" text := NEW."phone";
      "first_name" text := NEW."first_name";
      "last_name" text := NEW."last_name";
    BEGIN
      _down0 := (concat_ws(' ', first_name, last_name));
    END;
    NEW."name" := _down0;
  ELSE
    DECLARE
      "id" bigint := NEW."id";
      "name" text := NEW."name";
      "created_at" timestamp with time zone := NEW."created_at";
      "email" text := NEW."email";
      "phone" text := NEW."phone";
    BEGIN
      _up0 := (split_part(name, ' ', 1));
      _up1 := (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''));
    END;
    NEW."first_name" := _up0;
    NEW."last_name" := _up1;
  END IF;
  NEW."_orc_side_users_first_name" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_ins_users_first_name') THEN
    CREATE TRIGGER "_orc_sync_ins_users_first_name" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_users_first_name"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_upd_users_first_name') THEN
    CREATE TRIGGER "_orc_sync_upd_users_first_name" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((OLD."_orc_side_users_first_name" = '0' AND NEW."_orc_side_users_first_name" = '0') OR (NEW."_orc_side_users_first_name" = OLD."_orc_side_users_first_name" AND (NEW."first_name" IS DISTINCT FROM OLD."first_name" OR NEW."last_name" IS DISTINCT FROM OLD."last_name" OR NEW."name" IS DISTINCT FROM OLD."name"))) EXECUTE FUNCTION "public"."_orc_sync_users_first_name"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."users" WHERE "_orc_side_users_first_name" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."users" SET "_orc_side_users_first_name" = "_orc_side_users_first_name" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."users" WHERE "_orc_side_users_first_name" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'split-users-name', true);
      UPDATE "public"."users" SET "first_name" = CAST((split_part(name, ' ', 1)) AS text), "last_name" = CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "split-users-name";
CREATE OR REPLACE VIEW "split-users-name"."users" AS SELECT "id", "created_at", "email", "phone", "first_name", "last_name" FROM "public"."users";
COMMENT ON VIEW "split-users-name"."users" IS 'orchestrate: the new application''s view of "public"."users" while plan split-users-name runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('created_at', 'created_at'), ('email', 'email'), ('phone', 'phone'), ('first_name', 'first_name'), ('last_name', 'last_name')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."users"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"split-users-name"."users"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"split-users-name"."users"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."users"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"split-users-name"."users"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"split-users-name"."users"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"split-users-name"."users"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"split-users-name"."users"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"split-users-name"."users"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "split-users-name" FROM PUBLIC;
GRANT USAGE ON SCHEMA "split-users-name" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.trigger: triggers _orc_sync_ins_users_first_name and _orc_sync_upd_users_first_name present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname IN ('_orc_sync_ins_users_first_name', '_orc_sync_upd_users_first_name') AND tgenabled IN ('O', 'A')) = 2
-- check split_column.users.name.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."users" t WHERE t."_orc_side_users_first_name" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."users" t SET "_orc_side_users_first_name" = t."_orc_side_users_first_name" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."first_name" IS DISTINCT FROM CAST((split_part(name, ' ', 1)) AS text) AND NOT u."last_name" IS DISTINCT FROM CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text) AND u."_orc_side_users_first_name" = 'o') FROM u), false) END
-- check split_column.users.name.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."name" AS _o0, t."first_name" AS _m0, t."last_name" AS _m1 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."name" AS _o0 FROM "public"."users" t, a WHERE t."name" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "name" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."first_name" IS DISTINCT FROM CAST((split_part(name, ' ', 1)) AS text) AND NOT u."last_name" IS DISTINCT FROM CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text) AND u."_orc_side_users_first_name" = 'o') FROM u), false) END
-- check split_column.users.name.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'split-users-name', true);
--   WITH a AS (SELECT t."id" AS _k0, t."name" AS _o0, t."first_name" AS _m0, t."last_name" AS _m1 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST((split_part(name, ' ', 1)) AS text) AS _n0, CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text) AS _n1 FROM "public"."users" t, a WHERE CAST((split_part(name, ' ', 1)) AS text) IS DISTINCT FROM a._m0 OR CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text) IS DISTINCT FROM a._m1 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "first_name" = b._n0, "last_name" = b._n1 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."name" IS DISTINCT FROM CAST((concat_ws(' ', first_name, last_name)) AS text) AND u."_orc_side_users_first_name" = 'n') FROM u), false) END
-- check version_schema.view.split-users-name.users: view split-users-name.users shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 6 FROM pg_class c WHERE c.oid = to_regclass('"split-users-name"."users"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "split-users-name"."users";
--   DROP SCHEMA IF EXISTS "split-users-name";
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "split-users-name_old"."users";
--   DROP SCHEMA IF EXISTS "split-users-name_old";
