-- plan merge-users-display-name: phase 3 of 5, backfill

-- backfill merge_columns.users.display_name: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.users SET "display_name" = (concat_ws(' ', first_name, last_name)) WHERE <key in batch> AND ("display_name" IS DISTINCT FROM (concat_ws(' ', first_name, last_name)));

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.parity: no row of users where "display_name" IS DISTINCT FROM (concat_ws(' ', first_name, last_name))
--   batched scan of public.users along (id) for rows where "display_name" IS DISTINCT FROM (concat_ws(' ', first_name, last_name))

-- rollback from this phase:
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name";
