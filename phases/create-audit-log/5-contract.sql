-- plan create-audit-log: phase 5 of 5, contract
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
-- check create_table.audit_log.exists: table audit_log exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_log"') AND relkind = 'r')
-- check create_index.audit_log.audit_log_account_id_idx.valid: index audit_log_account_id_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."audit_log_account_id_idx"') AND indisvalid AND indisready)
