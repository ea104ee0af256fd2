-- plan create-active-users-view: phase 1 of 5, expand

-- step sql.line5.up
CREATE VIEW active_users AS
SELECT u.id, u.display_name, u.email, max(p.posted_at) AS last_posted_at
FROM users u JOIN posts p ON p.user_id = u.id
WHERE p.posted_at > now() - interval '30 days'
GROUP BY u.id, u.display_name, u.email
;

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.sql.line5.down
--   DROP VIEW IF EXISTS active_users;
