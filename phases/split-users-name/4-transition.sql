-- plan split-users-name: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.parity: no row of users where "_orc_side_users_first_name" = '0'
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_users_first_name" WHEN '0' THEN true WHEN 'n' THEN ("name" IS DISTINCT FROM CAST((concat_ws(' ', first_name, last_name)) AS text)) ELSE ("first_name" IS DISTINCT FROM CAST((split_part(name, ' ', 1)) AS text) OR "last_name" IS DISTINCT FROM CAST((nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')) AS text)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "split-users-name"."users";
--   DROP SCHEMA IF EXISTS "split-users-name";
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "split-users-name_old"."users";
--   DROP SCHEMA IF EXISTS "split-users-name_old";
