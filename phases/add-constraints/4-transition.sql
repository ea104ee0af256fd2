-- plan add-constraints: phase 4 of 5, transition

-- step add_check.comments.comments_body_not_empty.validate
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = 'comments_body_not_empty' AND NOT convalidated) THEN
    ALTER TABLE "public"."comments" VALIDATE CONSTRAINT "comments_body_not_empty";
  END IF;
END $orc$;

-- step add_unique.accounts.accounts_user_id_key.constraint
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."accounts"'::regclass AND conname = 'accounts_user_id_key') THEN
    ALTER TABLE "public"."accounts" ADD CONSTRAINT "accounts_user_id_key" UNIQUE USING INDEX "accounts_user_id_key";
  END IF;
END $orc$;

-- step add_foreign_key.audit_log.audit_log_account_id_fkey.validate
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."audit_log"'::regclass AND conname = 'audit_log_account_id_fkey' AND NOT convalidated) THEN
    ALTER TABLE "public"."audit_log" VALIDATE CONSTRAINT "audit_log_account_id_fkey";
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_check.comments.comments_body_not_empty.validated: constraint comments_body_not_empty exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = 'comments_body_not_empty' AND convalidated)
-- check add_unique.accounts.accounts_user_id_key.constraint: constraint accounts_user_id_key exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = 'accounts_user_id_key' AND convalidated)
-- check add_foreign_key.audit_log.audit_log_account_id_fkey.validated: constraint audit_log_account_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."audit_log"') AND conname = 'audit_log_account_id_fkey' AND convalidated)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-constraints"."accounts";
--   DROP VIEW IF EXISTS "add-constraints"."audit_log";
--   DROP VIEW IF EXISTS "add-constraints"."comments";
--   DROP SCHEMA IF EXISTS "add-constraints";
-- step rollback.add_foreign_key.audit_log.audit_log_account_id_fkey
--   ALTER TABLE "public"."audit_log" DROP CONSTRAINT IF EXISTS "audit_log_account_id_fkey";
-- step rollback.add_unique.accounts.accounts_user_id_key.constraint
--   ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "accounts_user_id_key";
-- step rollback.add_unique.accounts.accounts_user_id_key.index
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."accounts_user_id_key";
-- step rollback.add_check.comments.comments_body_not_empty
--   ALTER TABLE "public"."comments" DROP CONSTRAINT IF EXISTS "comments_body_not_empty";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-constraints_old"."accounts";
--   DROP VIEW IF EXISTS "add-constraints_old"."audit_log";
--   DROP VIEW IF EXISTS "add-constraints_old"."comments";
--   DROP SCHEMA IF EXISTS "add-constraints_old";
