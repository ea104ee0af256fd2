-- plan add-accounts-timestamps: phase 1 of 5, expand

-- step add_column.accounts.created_at.add_column
ALTER TABLE "public"."accounts" ADD COLUMN IF NOT EXISTS "created_at" timestamptz DEFAULT now();

-- step add_column.accounts.updated_at.add_column
ALTER TABLE "public"."accounts" ADD COLUMN IF NOT EXISTS "updated_at" timestamptz DEFAULT now();

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.column: column accounts.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_column.accounts.updated_at.column: column accounts.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.add_column.accounts.updated_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "updated_at";
-- step rollback.add_column.accounts.created_at.drop_column
--   ALTER TABLE "public"."accounts" DROP COLUMN IF EXISTS "created_at";
