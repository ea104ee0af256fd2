-- plan split-users-name: phase 3 of 5, backfill

-- backfill split_column.users.name: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "first_name" = (split_part(name, ' ', 1)), "last_name" = (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) WHERE <key in batch> AND ("first_name" IS DISTINCT FROM (split_part(name, ' ', 1)) OR "last_name" IS DISTINCT FROM (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')));

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.parity: no row of users where "first_name" IS DISTINCT FROM (split_part(name, ' ', 1)) OR "last_name" IS DISTINCT FROM (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''))
--   batched scan of public.users along (id) for rows where "first_name" IS DISTINCT FROM (split_part(name, ' ', 1)) OR "last_name" IS DISTINCT FROM (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''))

-- rollback from this phase:
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name";
