-- plan set-accounts-user-not-null: phase 2 of 5, dual_write

-- step set_not_null.accounts.user_id.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_accounts_user_id"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 bigint;
  _down0 bigint;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('set-accounts-user-not-null' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."user_id" IS DISTINCT FROM CAST((NULL) AS bigint)) AND NOT (NOT NEW."_orc_new_user_id" IS DISTINCT FROM CAST((NULL) AS bigint))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."user_id" IS DISTINCT FROM OLD."user_id") THEN
      IF (NEW."_orc_new_user_id" IS DISTINCT FROM OLD."_orc_new_user_id") AND COALESCE('set-accounts-user-not-null' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."_orc_new_user_id" IS DISTINCT FROM OLD."_orc_new_user_id") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_accounts_user_id" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    _down0 := NEW."_orc_new_user_id";
    NEW."user_id" := _down0;
  ELSE
    DECLARE
      "id" integer := NEW."id";
      "user_id" bigint := NEW."user_id";
      "balance" bigint := NEW."balance";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
    BEGIN
      _up0 := (COALESCE("user_id", (id)));
    END;
    NEW."_orc_new_user_id" := _up0;
  END IF;
  NEW."_orc_side_accounts_user_id" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_sync_ins_accounts_user_id') THEN
    CREATE TRIGGER "_orc_sync_ins_accounts_user_id" BEFORE INSERT ON "public"."accounts" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_accounts_user_id"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_sync_upd_accounts_user_id') THEN
    CREATE TRIGGER "_orc_sync_upd_accounts_user_id" BEFORE UPDATE ON "public"."accounts" FOR EACH ROW WHEN ((OLD."_orc_side_accounts_user_id" = '0' AND NEW."_orc_side_accounts_user_id" = '0') OR (NEW."_orc_side_accounts_user_id" = OLD."_orc_side_accounts_user_id" AND (NEW."_orc_new_user_id" IS DISTINCT FROM OLD."_orc_new_user_id" OR NEW."user_id" IS DISTINCT FROM OLD."user_id"))) EXECUTE FUNCTION "public"."_orc_sync_accounts_user_id"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."accounts" WHERE "_orc_side_accounts_user_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."accounts" SET "_orc_side_accounts_user_id" = "_orc_side_accounts_user_id" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."accounts" WHERE "_orc_side_accounts_user_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'set-accounts-user-not-null', true);
      UPDATE "public"."accounts" SET "_orc_new_user_id" = CAST((COALESCE("user_id", (id))) AS bigint) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step set_not_null.accounts.user_id.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_user_id') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_user_id" CHECK ("_orc_new_user_id" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step set_not_null.accounts.user_id.constraint.accounts_user_id_fkey
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_accounts_user_id_fkey') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_accounts_user_id_fkey" FOREIGN KEY ("_orc_new_user_id") REFERENCES users(id) NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "set-accounts-user-not-null";
CREATE OR REPLACE VIEW "set-accounts-user-not-null"."accounts" AS SELECT "id", "balance", "created_at", "updated_at", "_orc_new_user_id" AS "user_id" FROM "public"."accounts";
COMMENT ON VIEW "set-accounts-user-not-null"."accounts" IS 'orchestrate: the new application''s view of "public"."accounts" while plan set-accounts-user-not-null runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('balance', 'balance'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('user_id', '_orc_new_user_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."accounts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"set-accounts-user-not-null"."accounts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"set-accounts-user-not-null"."accounts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."accounts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"set-accounts-user-not-null"."accounts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"set-accounts-user-not-null"."accounts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"set-accounts-user-not-null"."accounts"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."accounts"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."accounts"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"set-accounts-user-not-null"."accounts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"set-accounts-user-not-null"."accounts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "set-accounts-user-not-null" FROM PUBLIC;
GRANT USAGE ON SCHEMA "set-accounts-user-not-null" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check set_not_null.accounts.user_id.not_null_check: constraint _orc_nn_accounts_user_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_user_id')
-- check set_not_null.accounts.user_id.constraint.accounts_user_id_fkey: constraint _orc_accounts_user_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_accounts_user_id_fkey')
-- check set_not_null.accounts.user_id.trigger: triggers _orc_sync_ins_accounts_user_id and _orc_sync_upd_accounts_user_id present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname IN ('_orc_sync_ins_accounts_user_id', '_orc_sync_upd_accounts_user_id') AND tgenabled IN ('O', 'A')) = 2
-- check set_not_null.accounts.user_id.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."accounts" t WHERE t."_orc_side_accounts_user_id" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."accounts" t SET "_orc_side_accounts_user_id" = t."_orc_side_accounts_user_id" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."_orc_new_user_id" IS DISTINCT FROM CAST((COALESCE("user_id", (id))) AS bigint) AND u."_orc_side_accounts_user_id" = 'o') FROM u), false) END
-- check set_not_null.accounts.user_id.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."user_id" AS _o0, t."_orc_new_user_id" AS _m0 FROM "public"."accounts" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."user_id" AS _o0 FROM "public"."accounts" t, a WHERE t."user_id" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "user_id" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."_orc_new_user_id" IS DISTINCT FROM CAST((COALESCE("user_id", (id))) AS bigint) AND u."_orc_side_accounts_user_id" = 'o') FROM u), false) END
-- check set_not_null.accounts.user_id.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'set-accounts-user-not-null', true);
--   WITH a AS (SELECT t."id" AS _k0, t."user_id" AS _o0, t."_orc_new_user_id" AS _m0 FROM "public"."accounts" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST((COALESCE("user_id", (id))) AS bigint) AS _n0 FROM "public"."accounts" t, a WHERE CAST((COALESCE("user_id", (id))) AS bigint) IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "_orc_new_user_id" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."user_id" IS DISTINCT FROM u."_orc_new_user_id" AND u."_orc_side_accounts_user_id" = 'n') FROM u), false) END
-- check version_schema.view.set-accounts-user-not-null.accounts: view set-accounts-user-not-null.accounts shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"set-accounts-user-not-null"."accounts"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null";
-- step rollback.set_not_null.accounts.user_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_user_id" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_user_id" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_user_id"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_user_id", DROP COLUMN IF EXISTS "_orc_side_accounts_user_id";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "set-accounts-user-not-null_old"."accounts";
--   DROP SCHEMA IF EXISTS "set-accounts-user-not-null_old";
