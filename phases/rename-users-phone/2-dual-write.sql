-- plan rename-users-phone: phase 2 of 5, dual_write

-- step rename_column.users.phone.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_users_phone"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _side "char";
  _up0 text;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('rename-users-phone' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."phone_number" IS DISTINCT FROM CAST((''::text) AS text)) AND NOT (NOT NEW."phone" IS DISTINCT FROM CAST((''::text) AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."phone_number" IS DISTINCT FROM OLD."phone_number") THEN
      IF (NEW."phone" IS DISTINCT FROM OLD."phone") AND COALESCE('rename-users-phone' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."phone" IS DISTINCT FROM OLD."phone") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF (OLD."phone" IS DISTINCT FROM OLD."phone_number") THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    _down0 := NEW."phone";
    NEW."phone_number" := _down0;
  ELSE
    _up0 := NEW."phone_number";
    NEW."phone" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_ins_users_phone') THEN
    CREATE TRIGGER "_orc_sync_ins_users_phone" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN ((NEW."phone" IS DISTINCT FROM NEW."phone_number")) EXECUTE FUNCTION "public"."_orc_sync_users_phone"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname = '_orc_sync_upd_users_phone') THEN
    CREATE TRIGGER "_orc_sync_upd_users_phone" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."phone" IS DISTINCT FROM NEW."phone_number")) EXECUTE FUNCTION "public"."_orc_sync_users_phone"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."users" WHERE ("phone" IS DISTINCT FROM "phone_number") LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."users" SET "phone_number" = "phone_number" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step rename_column.users.phone.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."users"'::regclass AND conname = '_orc_nn_users_phone') THEN
    ALTER TABLE "public"."users" ADD CONSTRAINT "_orc_nn_users_phone" CHECK ("phone" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "rename-users-phone";
CREATE OR REPLACE VIEW "rename-users-phone"."users" AS SELECT "id", "name", "created_at", "email", "phone" FROM "public"."users";
COMMENT ON VIEW "rename-users-phone"."users" IS 'orchestrate: the new application''s view of "public"."users" while plan rename-users-phone runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('name', 'name'), ('created_at', 'created_at'), ('email', 'email'), ('phone', 'phone')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."users"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"rename-users-phone"."users"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"rename-users-phone"."users"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."users"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"rename-users-phone"."users"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"rename-users-phone"."users"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"rename-users-phone"."users"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"rename-users-phone"."users"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"rename-users-phone"."users"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "rename-users-phone" FROM PUBLIC;
GRANT USAGE ON SCHEMA "rename-users-phone" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check rename_column.users.phone.not_null_check: constraint _orc_nn_users_phone exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."users"') AND conname = '_orc_nn_users_phone')
-- check rename_column.users.phone.trigger: triggers _orc_sync_ins_users_phone and _orc_sync_upd_users_phone present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."users"') AND tgname IN ('_orc_sync_ins_users_phone', '_orc_sync_upd_users_phone') AND tgenabled IN ('O', 'A')) = 2
-- check rename_column.users.phone.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."users" t WHERE (t."phone" IS DISTINCT FROM t."phone_number") ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."users" t SET "phone_number" = t."phone_number" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."phone" IS DISTINCT FROM u."phone_number") FROM u), false) END
-- check rename_column.users.phone.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."phone_number" AS _o0, t."phone" AS _m0 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."phone_number" AS _o0 FROM "public"."users" t, a WHERE t."phone_number" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "phone_number" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."phone" IS DISTINCT FROM u."phone_number") FROM u), false) END
-- check rename_column.users.phone.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'rename-users-phone', true);
--   WITH a AS (SELECT t."id" AS _k0, t."phone_number" AS _o0, t."phone" AS _m0 FROM "public"."users" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."phone_number" AS _n0 FROM "public"."users" t, a WHERE t."phone_number" IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."users" t SET "phone" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."phone_number" IS DISTINCT FROM u."phone") FROM u), false) END
-- check version_schema.view.rename-users-phone.users: view rename-users-phone.users shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"rename-users-phone"."users"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-users-phone"."users";
--   DROP SCHEMA IF EXISTS "rename-users-phone";
-- step rollback.rename_column.users.phone.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_phone" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_phone" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_phone"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "phone";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-users-phone_old"."users";
--   DROP SCHEMA IF EXISTS "rename-users-phone_old";
