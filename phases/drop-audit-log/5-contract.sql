-- plan drop-audit-log: phase 5 of 5, contract

-- step drop_table.audit_log.drop
DROP VIEW IF EXISTS "public"."audit_log";
DROP TABLE IF EXISTS "public"."_orc_dropped_audit_log";

-- gate (checked before `next` leaves this phase):
-- check drop_table.audit_log.gone: audit_log is gone
--   SELECT to_regclass('"public"."audit_log"') IS NULL
-- check drop_table.audit_log.table_gone: _orc_dropped_audit_log is gone
--   SELECT to_regclass('"public"."_orc_dropped_audit_log"') IS NULL
