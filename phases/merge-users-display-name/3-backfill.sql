-- plan merge-users-display-name: phase 3 of 5, backfill

-- backfill merge_columns.users.display_name: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "display_name" = (concat_ws(' ', first_name, last_name)), "_orc_side_users_display_name" = 'b' WHERE <key in batch> AND ("_orc_side_users_display_name" = '0');

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.parity: no row of users where "_orc_side_users_display_name" = '0'
--   one scan of public.users (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_users_display_name" WHEN '0' THEN true WHEN 'n' THEN ("first_name" IS DISTINCT FROM CAST((split_part(display_name, ' ', 1)) AS text) OR "last_name" IS DISTINCT FROM CAST((nullif(substr(display_name, length(split_part(display_name, ' ', 1)) + 2), '')) AS text)) ELSE ("display_name" IS DISTINCT FROM CAST((concat_ws(' ', first_name, last_name)) AS text)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "merge-users-display-name"."users";
--   DROP SCHEMA IF EXISTS "merge-users-display-name";
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_display_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name", DROP COLUMN IF EXISTS "_orc_side_users_display_name";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "merge-users-display-name_old"."users";
--   DROP SCHEMA IF EXISTS "merge-users-display-name_old";
