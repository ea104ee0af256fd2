-- plan drop-audit-log: phase 2 of 5, dual_write

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "drop-audit-log";
REVOKE CREATE ON SCHEMA "drop-audit-log" FROM PUBLIC;
GRANT USAGE ON SCHEMA "drop-audit-log" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check drop_table.audit_log.table_kept: table _orc_dropped_audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."_orc_dropped_audit_log"') AND relkind = 'r')
-- check drop_table.audit_log.view: view audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_log"') AND relkind = 'v')

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP SCHEMA IF EXISTS "drop-audit-log";
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
