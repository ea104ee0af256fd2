-- plan rename-comments-posts: phase 2 of 5, dual_write

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "rename-comments-posts";
CREATE OR REPLACE VIEW "rename-comments-posts"."posts" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."posts";
COMMENT ON VIEW "rename-comments-posts"."posts" IS 'orchestrate: the new application''s view of "public"."posts" while plan rename-comments-posts runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('posted_at', 'posted_at'), ('body', 'body')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."posts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"rename-comments-posts"."posts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"rename-comments-posts"."posts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."posts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"rename-comments-posts"."posts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"rename-comments-posts"."posts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"rename-comments-posts"."posts"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."posts"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."posts"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"rename-comments-posts"."posts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"rename-comments-posts"."posts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "rename-comments-posts" FROM PUBLIC;
GRANT USAGE ON SCHEMA "rename-comments-posts" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check version_schema.view.rename-comments-posts.posts: view rename-comments-posts.posts shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"rename-comments-posts"."posts"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-comments-posts"."posts";
--   DROP SCHEMA IF EXISTS "rename-comments-posts";
-- step rollback.rename_table.comments.posts.restore
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."posts"') IS NOT NULL AND (to_regclass('"public"."comments"') IS NULL OR EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v')) THEN
--       DROP VIEW IF EXISTS "public"."comments";
--       ALTER TABLE "public"."posts" RENAME TO "comments";
--     END IF;
--   END $orc$;
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-comments-posts_old"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-posts_old";
