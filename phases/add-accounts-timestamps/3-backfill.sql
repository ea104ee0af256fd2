-- plan add-accounts-timestamps: phase 3 of 5, backfill
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-accounts-timestamps"."accounts";
--   DROP SCHEMA IF EXISTS "add-accounts-timestamps";
-- step rollback.add_column.accounts.updated_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "updated_at";
-- step rollback.add_column.accounts.created_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "created_at";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-accounts-timestamps_old"."accounts";
--   DROP SCHEMA IF EXISTS "add-accounts-timestamps_old";
