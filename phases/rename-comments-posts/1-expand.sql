-- plan rename-comments-posts: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "rename-comments-posts_old";
CREATE OR REPLACE VIEW "rename-comments-posts_old"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."comments";
COMMENT ON VIEW "rename-comments-posts_old"."comments" IS 'orchestrate: the old application''s view of "public"."comments" while plan rename-comments-posts runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('posted_at', 'posted_at'), ('body', 'body')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."comments"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"rename-comments-posts_old"."comments"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"rename-comments-posts_old"."comments"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."comments"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"rename-comments-posts_old"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"rename-comments-posts_old"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"rename-comments-posts_old"."comments"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."comments"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."comments"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"rename-comments-posts_old"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"rename-comments-posts_old"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "rename-comments-posts_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "rename-comments-posts_old" TO PUBLIC;

-- step rename_table.comments.posts.rename
DO $orc$ BEGIN
  IF to_regclass('"public"."posts"') IS NULL THEN
    ALTER TABLE "public"."comments" RENAME TO "posts";
    CREATE VIEW "public"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."posts";
  END IF;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."posts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"public"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"public"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"public"."comments"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"public"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"public"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check rename_table.comments.posts.table: posts is a table
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."posts"') AND relkind IN ('r', 'p'))
-- check rename_table.comments.posts.view: comments is a view
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind IN ('v'))
-- check version_schema.view.rename-comments-posts_old.comments: view rename-comments-posts_old.comments shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"rename-comments-posts_old"."comments"')), false)

-- rollback from this phase:
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
