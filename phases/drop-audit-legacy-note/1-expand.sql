-- plan drop-audit-legacy-note: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "drop-audit-legacy-note_old";
CREATE OR REPLACE VIEW "drop-audit-legacy-note_old"."audit_log" AS SELECT "id", "account_id", "action", "legacy_note", "created_at" FROM "public"."audit_log";
COMMENT ON VIEW "drop-audit-legacy-note_old"."audit_log" IS 'orchestrate: the old application''s view of "public"."audit_log" while plan drop-audit-legacy-note runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('account_id', 'account_id'), ('action', 'action'), ('legacy_note', 'legacy_note'), ('created_at', 'created_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."audit_log"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"drop-audit-legacy-note_old"."audit_log"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"drop-audit-legacy-note_old"."audit_log"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."audit_log"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"drop-audit-legacy-note_old"."audit_log"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"drop-audit-legacy-note_old"."audit_log"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"drop-audit-legacy-note_old"."audit_log"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"drop-audit-legacy-note_old"."audit_log"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"drop-audit-legacy-note_old"."audit_log"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "drop-audit-legacy-note_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "drop-audit-legacy-note_old" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check version_schema.view.drop-audit-legacy-note_old.audit_log: view drop-audit-legacy-note_old.audit_log shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"drop-audit-legacy-note_old"."audit_log"')), false)

-- rollback from this phase:
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "drop-audit-legacy-note_old"."audit_log";
--   DROP SCHEMA IF EXISTS "drop-audit-legacy-note_old";
