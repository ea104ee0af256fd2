-- plan drop-audit-legacy-note: phase 3 of 5, backfill
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "drop-audit-legacy-note"."audit_log";
--   DROP SCHEMA IF EXISTS "drop-audit-legacy-note";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "drop-audit-legacy-note_old"."audit_log";
--   DROP SCHEMA IF EXISTS "drop-audit-legacy-note_old";
