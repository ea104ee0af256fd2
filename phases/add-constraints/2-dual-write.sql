-- plan add-constraints: phase 2 of 5, dual_write
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.add_foreign_key.audit_log.audit_log_account_id_fkey
--   ALTER TABLE "public"."audit_log" DROP CONSTRAINT IF EXISTS "audit_log_account_id_fkey";
-- step rollback.add_unique.accounts.accounts_user_id_key.constraint
--   ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "accounts_user_id_key";
-- step rollback.add_unique.accounts.accounts_user_id_key.index
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."accounts_user_id_key";
-- step rollback.add_check.comments.comments_body_not_empty
--   ALTER TABLE "public"."comments" DROP CONSTRAINT IF EXISTS "comments_body_not_empty";
