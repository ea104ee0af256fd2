-- plan rename-comments-posts: phase 1 of 5, expand

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

-- rollback from this phase:
-- step rollback.rename_table.comments.posts.restore
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."posts"') IS NOT NULL AND (to_regclass('"public"."comments"') IS NULL OR EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v')) THEN
--       DROP VIEW IF EXISTS "public"."comments";
--       ALTER TABLE "public"."posts" RENAME TO "comments";
--     END IF;
--   END $orc$;
