-- plan split-users-name: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.parity: no row of users where "first_name" IS DISTINCT FROM (split_part(name, ' ', 1)) OR "last_name" IS DISTINCT FROM (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''))
--   batched scan of public.users along (id) for rows where "first_name" IS DISTINCT FROM (split_part(name, ' ', 1)) OR "last_name" IS DISTINCT FROM (nullif(substr(name, length(split_part(name, ' ', 1)) + 2), ''))

-- rollback from this phase:
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name";
