-- plan drop-audit-legacy-note: phase 5 of 5, contract

-- step drop_column.audit_log.legacy_note.drop_column
ALTER TABLE "public"."audit_log" DROP COLUMN IF EXISTS "legacy_note";

-- gate (checked before `next` leaves this phase):
-- check drop_column.audit_log.legacy_note.gone: column audit_log.legacy_note is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."audit_log"') AND attname = 'legacy_note' AND NOT attisdropped)
