-- plan add-constraints: phase 1 of 5, expand

-- step add_check.comments.comments_body_not_empty.add
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = 'comments_body_not_empty') THEN
    ALTER TABLE "public"."comments" ADD CONSTRAINT "comments_body_not_empty" CHECK (length(body) > 0) NOT VALID;
  END IF;
END $orc$;

-- step add_unique.accounts.accounts_user_id_key.index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND NOT indisvalid) THEN
    DROP INDEX "public"."accounts_user_id_key";
  END IF;
END $orc$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "accounts_user_id_key" ON "public"."accounts" USING btree ("user_id");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisvalid AND indisready)

-- step add_foreign_key.audit_log.audit_log_account_id_fkey.add
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."audit_log"'::regclass AND conname = 'audit_log_account_id_fkey') THEN
    ALTER TABLE "public"."audit_log" ADD CONSTRAINT "audit_log_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "public"."accounts" ("id") ON DELETE CASCADE NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_check.comments.comments_body_not_empty.exists: constraint comments_body_not_empty exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = 'comments_body_not_empty')
-- check add_unique.accounts.accounts_user_id_key.index: index accounts_user_id_key exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisvalid AND indisready)
-- check add_foreign_key.audit_log.audit_log_account_id_fkey.exists: constraint audit_log_account_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."audit_log"') AND conname = 'audit_log_account_id_fkey')

-- rollback from this phase:
-- step rollback.add_foreign_key.audit_log.audit_log_account_id_fkey
--   ALTER TABLE "public"."audit_log" DROP CONSTRAINT IF EXISTS "audit_log_account_id_fkey";
-- step rollback.add_unique.accounts.accounts_user_id_key.constraint
--   ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "accounts_user_id_key";
-- step rollback.add_unique.accounts.accounts_user_id_key.index
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."accounts_user_id_key";
-- step rollback.add_check.comments.comments_body_not_empty
--   ALTER TABLE "public"."comments" DROP CONSTRAINT IF EXISTS "comments_body_not_empty";
