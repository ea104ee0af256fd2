-- plan change-accounts-balance-type: phase 2 of 5, dual_write

-- step change_type.accounts.balance.sync_function
CREATE OR REPLACE FUNCTION "public"."_orc_sync_accounts_balance"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _up0 bigint;
  _down0 integer;
  _new_side boolean;
BEGIN
  -- What the new side should hold, computed from the row as the old application sees it.
  DECLARE
    "id" integer := NEW."id";
    "user_id" bigint := NEW."user_id";
    "balance" integer := NEW."balance";
  BEGIN
    _up0 := (balance::bigint);
  END;
  IF NEW."_orc_new_balance" IS NOT DISTINCT FROM _up0 THEN
    RETURN NEW;
  END IF;
  -- The sides disagree: whichever side the statement wrote wins (the new one if both).
  IF TG_OP = 'INSERT' THEN
    _new_side := NEW."_orc_new_balance" IS DISTINCT FROM (CAST((0) AS bigint));
  ELSE
    _new_side := NEW."_orc_new_balance" IS DISTINCT FROM OLD."_orc_new_balance";
  END IF;
  IF _new_side THEN
  DECLARE
    "id" integer := NEW."id";
    "user_id" bigint := NEW."user_id";
    "balance" bigint := NEW."_orc_new_balance";
  BEGIN
    _down0 := (balance::integer);
  END;
    NEW."balance" := _down0;
  ELSE
    NEW."_orc_new_balance" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;

-- step change_type.accounts.balance.sync_trigger
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."accounts"'::regclass AND tgname = '_orc_sync_accounts_balance') THEN
    CREATE TRIGGER "_orc_sync_accounts_balance" BEFORE INSERT OR UPDATE ON "public"."accounts" FOR EACH ROW WHEN (current_setting('orchestrate.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "public"."_orc_sync_accounts_balance"();
  END IF;
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
GRANT USAGE ON SCHEMA "change-accounts-balance-type" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.not_null_check: constraint _orc_nn_accounts_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = '_orc_nn_accounts_balance')
-- check change_type.accounts.balance.trigger: trigger _orc_sync_accounts_balance present and enabled
--   SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname = '_orc_sync_accounts_balance' AND tgenabled IN ('O', 'A'))
-- check change_type.accounts.balance.probe_old_to_new: a write of the old side reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."balance" AS _o0 FROM "public"."accounts" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."balance" AS _o0, (SELECT (balance::bigint) FROM (SELECT t."id" AS "id", t."user_id" AS "user_id", t."balance" AS "balance") AS _view) AS _n0 FROM "public"."accounts" t, a WHERE t."balance" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "balance" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."_orc_new_balance" IS NOT DISTINCT FROM (SELECT (balance::bigint) FROM (SELECT u."id" AS "id", u."user_id" AS "user_id", u."balance" AS "balance") AS _view)) FROM u), false) END
-- check change_type.accounts.balance.probe_new_to_old: a write of the new side reaches the old side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."balance" AS _o0 FROM "public"."accounts" t ORDER BY "id" LIMIT 1),
--        b AS (SELECT t."balance" AS _o0, (SELECT (balance::bigint) FROM (SELECT t."id" AS "id", t."user_id" AS "user_id", t."balance" AS "balance") AS _view) AS _n0 FROM "public"."accounts" t, a WHERE t."balance" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."accounts" t SET "_orc_new_balance" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(u."balance" IS NOT DISTINCT FROM (SELECT (balance::integer) FROM (SELECT u."id" AS "id", u."user_id" AS "user_id", u."_orc_new_balance" AS "balance") AS _view)) FROM u), false) END
-- check version_schema.view.accounts: view change-accounts-balance-type.accounts shows the table's final shape
--   SELECT EXISTS (SELECT 1 FROM pg_views WHERE schemaname = 'change-accounts-balance-type' AND viewname = 'accounts') AND (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'change-accounts-balance-type' AND table_name = 'accounts' AND is_updatable = 'YES') = 3

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type";
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance";
