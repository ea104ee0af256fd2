-- plan create-active-users-view: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.sql.line5.down
--   DROP VIEW IF EXISTS active_users;
