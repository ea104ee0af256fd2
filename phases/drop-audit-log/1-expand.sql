-- plan drop-audit-log: phase 1 of 5, expand

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

-- rollback from this phase:
-- step rollback.drop_table.audit_log
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."_orc_dropped_audit_log"') IS NOT NULL THEN
--       DROP VIEW IF EXISTS "public"."audit_log";
--       ALTER TABLE "public"."_orc_dropped_audit_log" RENAME TO "audit_log";
--     END IF;
--   END $orc$;
