-- plan add-users-email: phase 3 of 5, backfill

-- backfill add_column.users.email: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "email" = ('user' || id || '@example.com') WHERE <key in batch> AND ("email" IS NULL AND ('user' || id || '@example.com') IS NOT NULL);

-- gate (checked before `next` leaves this phase):
-- check add_column.users.email.parity: no row of users where "email" IS NULL AND ('user' || id || '@example.com') IS NOT NULL
--   batched scan of public.users along (id) for rows where "email" IS NULL AND ('user' || id || '@example.com') IS NOT NULL

-- rollback from this phase:
-- step rollback.add_column.users.email.drop_column
--   DROP TRIGGER IF EXISTS "_orc_fill_users_email" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_fill_users_email"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "email";
