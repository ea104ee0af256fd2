-- plan drop-audit-log: phase 3 of 5, backfill
-- (no steps: this phase passes at once for this plan)

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
