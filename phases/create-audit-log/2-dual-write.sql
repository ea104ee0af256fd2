-- plan create-audit-log: phase 2 of 5, dual_write
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
-- check create_table.audit_log.exists: table audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_log"') AND relkind = 'r')
-- check create_index.audit_log.audit_log_account_id_idx.valid: index audit_log_account_id_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."audit_log_account_id_idx"') AND indisvalid AND indisready)

-- rollback from this phase:
-- step rollback.create_index.audit_log.audit_log_account_id_idx
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."audit_log_account_id_idx";
-- step rollback.create_table.audit_log
--   DROP TABLE IF EXISTS "public"."audit_log";
