-- plan change-accounts-balance-type: phase 2 of 5, dual_write

-- step change_type.accounts.balance.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_accounts_balance"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 bigint;
  _down0 integer;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('change-accounts-balance-type' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."balance" IS DISTINCT FROM CAST((0) AS integer)) AND NOT (NOT NEW."_orc_new_balance" IS DISTINCT FROM CAST(((0)::bigint) AS bigint))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."balance" IS DISTINCT FROM OLD."balance") THEN
      IF (NEW."_orc_new_balance" IS DISTINCT FROM OLD."_orc_new_balance") AND COALESCE('change-accounts-balance-type' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."_orc_new_balance" IS DISTINCT FROM OLD."_orc_new_balance") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_accounts_balance" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    DECLARE
      "id" integer := NEW."id";
      "user_id" bigint := NEW."user_id";
      "balance" bigint := NEW."_orc_new_balance";
    BEGIN
      _down0 := (balance::integer);
    END;
    NEW."balance" := _down0;
  ELSE
    DECLARE
      "id" integer := NEW."id";
      "user_id" bigint := NEW."user_id";
      "balance" integer := NEW."balance";
    BEGIN
      _up0 := (balance::bigint);
    END;
    NEW."_orc_new_balance" := _up0;
  END IF;
  NEW."_orc_side_accounts_balance" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_sync_ins_accounts_balance') THEN
    CREATE TRIGGER "_orc_sync_ins_accounts_balance" BEFORE INSERT ON "public"."accounts" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_accounts_balance"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_sync_upd_accounts_balance') THEN
    CREATE TRIGGER "_orc_sync_upd_accounts_balance" BEFORE UPDATE ON "public"."accounts" FOR EACH ROW WHEN ((OLD."_orc_side_accounts_balance" = '0' AND NEW."_orc_side_accounts_balance" = '0') OR (NEW."_orc_side_accounts_balance" = OLD."_orc_side_accounts_balance" AND (NEW."_orc_new_balance" IS DISTINCT FROM OLD."_orc_new_balance" OR NEW."balance" IS DISTINCT FROM OLD."balance"))) EXECUTE FUNCTION "public"."_orc_sync_accounts_balance"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."accounts" WHERE "_orc_side_accounts_balance" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."accounts" SET "_orc_side_accounts_balance" = "_orc_side_accounts_balance" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."accounts" WHERE "_orc_side_accounts_balance" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'change-accounts-balance-type', true);
      UPDATE "public"."accounts" SET "_orc_new_balance" = CAST((balance::bigint) AS bigint) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step change_type.accounts.balance.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = '_orc_nn_accounts_balance') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "_orc_nn_accounts_balance" CHECK ("_orc_new_balance" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "change-accounts-balance-type";
CREATE OR REPLACE VIEW "change-accounts-balance-type"."accounts" AS SELECT "id", "user_id", "_orc_new_balance" AS "balance" FROM "public"."accounts";
COMMENT ON VIEW "change-accounts-balance-type"."accounts" IS 'orchestrate: the new application''s view of "public"."accounts" while plan change-accounts-balance-type runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('balance', '_orc_new_balance')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."accounts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"change-accounts-balance-type"."accounts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"change-accounts-balance-type"."accounts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."accounts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"change-accounts-balance-type"."accounts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"change-accounts-balance-type"."accounts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"change-accounts-balance-type"."accounts"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"change-accounts-balance-type"."accounts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"change-accounts-balance-type"."accounts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "change-accounts-balance-type" FROM PUBLIC;
GRANT USAGE ON SCHEMA "change-accounts-balance-type" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.not_null_check: constraint _orc_nn_accounts_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_balance')
-- check change_type.accounts.balance.trigger: triggers _orc_sync_ins_accounts_balance and _orc_sync_upd_accounts_balance present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname IN ('_orc_sync_ins_accounts_balance', '_orc_sync_upd_accounts_balance') AND tgenabled IN ('O', 'A')) = 2
-- check change_type.accounts.balance.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."accounts" t WHERE t."_orc_side_accounts_balance" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."accounts" t SET "_orc_side_accounts_balance" = t."_orc_side_accounts_balance" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."_orc_new_balance" IS DISTINCT FROM CAST((balance::bigint) AS bigint) AND u."_orc_side_accounts_balance" = 'o') FROM u), false) END
-- check change_type.accounts.balance.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."balance" AS _o0, t."_orc_new_balance" AS _m0 FROM "public"."accounts" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."balance" AS _o0 FROM "public"."accounts" t, a WHERE t."balance" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "balance" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."_orc_new_balance" IS DISTINCT FROM CAST((balance::bigint) AS bigint) AND u."_orc_side_accounts_balance" = 'o') FROM u), false) END
-- check change_type.accounts.balance.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'change-accounts-balance-type', true);
--   WITH a AS (SELECT t."id" AS _k0, t."balance" AS _o0, t."_orc_new_balance" AS _m0 FROM "public"."accounts" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST((balance::bigint) AS bigint) AS _n0 FROM "public"."accounts" t, a WHERE CAST((balance::bigint) AS bigint) IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "_orc_new_balance" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."balance" IS DISTINCT FROM (SELECT CAST((balance::integer) AS integer) FROM (SELECT u."id" AS "id", u."user_id" AS "user_id", u."_orc_new_balance" AS "balance") AS _view) AND u."_orc_side_accounts_balance" = 'n') FROM u), false) END
-- check version_schema.view.change-accounts-balance-type.accounts: view change-accounts-balance-type.accounts shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 3 FROM pg_class c WHERE c.oid = to_regclass('"change-accounts-balance-type"."accounts"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type";
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_balance" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance", DROP COLUMN IF EXISTS "_orc_side_accounts_balance";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type_old"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type_old";
