-- plan drop-audit-legacy-note: phase 2 of 5, dual_write
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
