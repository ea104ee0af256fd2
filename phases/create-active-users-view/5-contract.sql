-- plan create-active-users-view: phase 5 of 5, contract
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)
