-- plan change-accounts-balance-type: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "change-accounts-balance-type_old";
CREATE OR REPLACE VIEW "change-accounts-balance-type_old"."accounts" AS SELECT "id", "user_id", "balance" FROM "public"."accounts";
COMMENT ON VIEW "change-accounts-balance-type_old"."accounts" IS 'orchestrate: the old application''s view of "public"."accounts" while plan change-accounts-balance-type runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('balance', 'balance')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."accounts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"change-accounts-balance-type_old"."accounts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"change-accounts-balance-type_old"."accounts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."accounts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"change-accounts-balance-type_old"."accounts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"change-accounts-balance-type_old"."accounts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"change-accounts-balance-type_old"."accounts"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"change-accounts-balance-type_old"."accounts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"change-accounts-balance-type_old"."accounts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "change-accounts-balance-type_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "change-accounts-balance-type_old" TO PUBLIC;

-- step change_type.accounts.balance.add_columns
ALTER TABLE "public"."accounts"
  ADD COLUMN IF NOT EXISTS "_orc_new_balance" bigint,
  ALTER COLUMN "_orc_new_balance" SET DEFAULT (0)::bigint,
  ADD COLUMN IF NOT EXISTS "_orc_side_accounts_balance" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check change_type.accounts.balance.column: column accounts._orc_new_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_new_balance' AND NOT attisdropped)
-- check change_type.accounts.balance.side_column: column accounts._orc_side_accounts_balance exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = '_orc_side_accounts_balance' AND NOT attisdropped)
-- check version_schema.view.change-accounts-balance-type_old.accounts: view change-accounts-balance-type_old.accounts shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 3 FROM pg_class c WHERE c.oid = to_regclass('"change-accounts-balance-type_old"."accounts"')), false)

-- rollback from this phase:
-- step rollback.change_type.accounts.balance.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_accounts_balance" ON "public"."accounts";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_accounts_balance" ON "public"."accounts";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_accounts_balance"();
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "_orc_new_balance", DROP COLUMN IF EXISTS "_orc_side_accounts_balance";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "change-accounts-balance-type_old"."accounts";
--   DROP SCHEMA IF EXISTS "change-accounts-balance-type_old";
