-- plan drop-audit-log: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "drop-audit-log_old";
CREATE OR REPLACE VIEW "drop-audit-log_old"."audit_log" AS SELECT "id", "account_id", "action", "created_at" FROM "public"."audit_log";
COMMENT ON VIEW "drop-audit-log_old"."audit_log" IS 'orchestrate: the old application''s view of "public"."audit_log" while plan drop-audit-log runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('account_id', 'account_id'), ('action', 'action'), ('created_at', 'created_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."audit_log"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"drop-audit-log_old"."audit_log"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"drop-audit-log_old"."audit_log"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."audit_log"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"drop-audit-log_old"."audit_log"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"drop-audit-log_old"."audit_log"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"drop-audit-log_old"."audit_log"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."audit_log"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."audit_log"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"drop-audit-log_old"."audit_log"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"drop-audit-log_old"."audit_log"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "drop-audit-log_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "drop-audit-log_old" TO PUBLIC;

-- step drop_table.audit_log.hide
DO $orc$ BEGIN
  IF to_regclass('"public"."_orc_dropped_audit_log"') IS NULL THEN
    ALTER TABLE "public"."audit_log" RENAME TO "_orc_dropped_audit_log";
    CREATE VIEW "public"."audit_log" AS SELECT * FROM "public"."_orc_dropped_audit_log";
  END IF;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."_orc_dropped_audit_log"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"public"."audit_log"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"public"."audit_log"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"public"."audit_log"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."_orc_dropped_audit_log"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."_orc_dropped_audit_log"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"public"."audit_log"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"public"."audit_log"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check drop_table.audit_log.table_kept: table _orc_dropped_audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."_orc_dropped_audit_log"') AND relkind = 'r')
-- check drop_table.audit_log.view: view audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_log"') AND relkind = 'v')
-- check version_schema.view.drop-audit-log_old.audit_log: view drop-audit-log_old.audit_log shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"drop-audit-log_old"."audit_log"')), false)

-- rollback from this phase:
-- step rollback.drop_table.audit_log
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."_orc_dropped_audit_log"') IS NOT NULL THEN
--       DROP VIEW IF EXISTS "public"."audit_log";
--       ALTER TABLE "public"."_orc_dropped_audit_log" RENAME TO "audit_log";
--     END IF;
--   END $orc$;
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "drop-audit-log_old"."audit_log";
--   DROP SCHEMA IF EXISTS "drop-audit-log_old";
