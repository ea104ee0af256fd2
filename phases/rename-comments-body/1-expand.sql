-- plan rename-comments-body: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "rename-comments-body_old";
CREATE OR REPLACE VIEW "rename-comments-body_old"."comments" AS SELECT "id", "user_id", "contents", "posted_at" FROM "public"."comments";
COMMENT ON VIEW "rename-comments-body_old"."comments" IS 'orchestrate: the old application''s view of "public"."comments" while plan rename-comments-body runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('contents', 'contents'), ('posted_at', 'posted_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."comments"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"rename-comments-body_old"."comments"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"rename-comments-body_old"."comments"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."comments"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"rename-comments-body_old"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"rename-comments-body_old"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"rename-comments-body_old"."comments"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"rename-comments-body_old"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"rename-comments-body_old"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "rename-comments-body_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "rename-comments-body_old" TO PUBLIC;

-- step rename_column.comments.body.add_columns
ALTER TABLE "public"."comments"
  ADD COLUMN IF NOT EXISTS "body" text;

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.column: column comments.body exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."comments"') AND attname = 'body' AND NOT attisdropped)
-- check version_schema.view.rename-comments-body_old.comments: view rename-comments-body_old.comments shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"rename-comments-body_old"."comments"')), false)

-- rollback from this phase:
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-comments-body_old"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-body_old";
