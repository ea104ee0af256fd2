-- plan merge-users-display-name: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
-- check merge_columns.users.display_name.parity: no row of users where "display_name" IS DISTINCT FROM (concat_ws(' ', first_name, last_name))
--   batched scan of public.users along (id) for rows where "display_name" IS DISTINCT FROM (concat_ws(' ', first_name, last_name))

-- rollback from this phase:
-- step rollback.merge_columns.users.display_name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_users_display_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_display_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "display_name";
