-- plan merge-users-display-name: phase 2 of 5, dual_write

-- step merge_columns.users.display_name.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_display_name"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 text;
  _down0 text;
  _down1 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('merge-users-display-name' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."first_name" IS DISTINCT FROM CAST((NULL) AS text) AND NOT NEW."last_name" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."display_name" IS DISTINCT FROM CAST((NULL) AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."first_name" IS DISTINCT FROM OLD."first_name" OR NEW."last_name" IS DISTINCT FROM OLD."last_name") THEN
      IF (NEW."display_name" IS DISTINCT FROM OLD."display_name") AND COALESCE('merge-users-display-name' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."display_name" IS DISTINCT FROM OLD."display_name") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_users_display_name" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
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
    NEW."display_name" := _up0;
  END IF;
  NEW."_orc_side_users_display_name" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_ins_users_display_name') THEN
    CREATE TRIGGER "_orc_sync_ins_users_display_name" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_users_display_name"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_upd_users_display_name') THEN
    CREATE TRIGGER "_orc_sync_upd_users_display_name" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((OLD."_orc_side_users_display_name" = '0' AND NEW."_orc_side_users_display_name" = '0') OR (NEW."_orc_side_users_display_name" = OLD."_orc_side_users_display_name" AND (NEW."display_name" IS DISTINCT FROM OLD."display_name" OR NEW."first_name" IS DISTINCT FROM OLD."first_name" OR NEW."last_name" IS DISTINCT FROM OLD."last_name"))) EXECUTE FUNCTION "public"."_orc_sync_users_display_name"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."users" WHERE "_orc_side_users_display_name" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."users" SET "_orc_side_users_display_name" = "_orc_side_users_display_name" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."users" WHERE "_orc_side_users_display_name" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'merge-users-display-name', true);
      UPDATE "public"."users" SET "display_name" = CAST((concat_ws(' ', first_name, last_name)) AS text) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "merge-users-display-name";
CREATE OR REPLACE VIEW "merge-users-display-name"."users" AS SELECT "id", "created_at", "email", "phone", "display_name" FROM "public"."users";
COMMENT ON VIEW "merge-users-display-name"."users" IS 'orchestrate: the new application''s view of "public"."users" while plan merge-users-display-name runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('created_at', 'created_at'), ('email', 'email'), ('phone', 'phone'), ('display_name', 'display_name')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."users"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"merge-users-display-name"."users"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"merge-users-display-name"."users"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."users"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"merge-users-display-name"."users"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"merge-users-display-name"."users"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"merge-users-display-name"."users"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"merge-users-display-name"."users"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"merge-users-display-name"."users"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "merge-users-display-name" FROM PUBLIC;
GRANT USAGE ON SCHEMA "merge-users-display-name" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.trigger: triggers _orc_sync_ins_users_display_name and _orc_sync_upd_users_display_name present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname IN ('_orc_sync_ins_users_display_name', '_orc_sync_upd_users_display_name') AND tgenabled IN ('O', 'A')) = 2
-- check merge_columns.users.display_name.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."users" t WHERE t."_orc_side_users_display_name" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."users" t SET "_orc_side_users_display_name" = t."_orc_side_users_display_name" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."display_name" IS DISTINCT FROM CAST((concat_ws(' ', first_name, last_name)) AS text) AND u."_orc_side_users_display_name" = 'o') FROM u), false) END
-- check merge_columns.users.display_name.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."first_name" AS _o0, t."last_name" AS _o1, t."display_name" AS _m0 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."first_name" AS _o0, t."last_name" AS _o1 FROM "public"."users" t, a WHERE t."first_name" IS DISTINCT FROM a._o0 OR t."last_name" IS DISTINCT FROM a._o1 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "first_name" = b._o0, "last_name" = b._o1 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."display_name" IS DISTINCT FROM CAST((concat_ws(' ', first_name, last_name)) AS text) AND u."_orc_side_users_display_name" = 'o') FROM u), false) END
-- check merge_columns.users.display_name.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'merge-users-display-name', true);
--   WITH a AS (SELECT t."id" AS _k0, t."first_name" AS _o0, t."last_name" AS _o1, t."display_name" AS _m0 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST((concat_ws(' ', first_name, last_name)) AS text) AS _n0 FROM "public"."users" t, a WHERE CAST((concat_ws(' ', first_name, last_name)) AS text) IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "display_name" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."first_name" IS DISTINCT FROM CAST((split_part(display_name, ' ', 1)) AS text) AND NOT u."last_name" IS DISTINCT FROM CAST((nullif(substr(display_name, length(split_part(display_name, ' ', 1)) + 2), '')) AS text) AND u."_orc_side_users_display_name" = 'n') FROM u), false) END
-- check version_schema.view.merge-users-display-name.users: view merge-users-display-name.users shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"merge-users-display-name"."users"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "merge-users-display-name"."users";
--   DROP SCHEMA IF EXISTS "merge-users-display-name";
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_display_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name", DROP COLUMN IF EXISTS "_orc_side_users_display_name";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "merge-users-display-name_old"."users";
--   DROP SCHEMA IF EXISTS "merge-users-display-name_old";
