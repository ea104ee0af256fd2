-- plan add-constraints: phase 2 of 5, dual_write

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "add-constraints";
CREATE OR REPLACE VIEW "add-constraints"."accounts" AS SELECT "id", "balance", "created_at", "updated_at", "user_id" FROM "public"."accounts";
COMMENT ON VIEW "add-constraints"."accounts" IS 'orchestrate: the new application''s view of "public"."accounts" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('balance', 'balance'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('user_id', 'user_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."accounts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints"."accounts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints"."accounts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."accounts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints"."accounts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints"."accounts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints"."accounts"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."accounts"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."accounts"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints"."accounts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints"."accounts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "add-constraints"."audit_log" AS SELECT "id", "account_id", "action", "legacy_note", "created_at" FROM "public"."audit_log";
COMMENT ON VIEW "add-constraints"."audit_log" IS 'orchestrate: the new application''s view of "public"."audit_log" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('account_id', 'account_id'), ('action', 'action'), ('legacy_note', 'legacy_note'), ('created_at', 'created_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."audit_log"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints"."audit_log"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints"."audit_log"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."audit_log"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints"."audit_log"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints"."audit_log"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints"."audit_log"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."audit_log"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."audit_log"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints"."audit_log"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints"."audit_log"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "add-constraints"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."comments";
COMMENT ON VIEW "add-constraints"."comments" IS 'orchestrate: the new application''s view of "public"."comments" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('posted_at', 'posted_at'), ('body', 'body')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."comments"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints"."comments"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints"."comments"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."comments"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints"."comments"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "add-constraints" FROM PUBLIC;
GRANT USAGE ON SCHEMA "add-constraints" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check version_schema.view.add-constraints.accounts: view add-constraints.accounts shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints"."accounts"')), false)
-- check version_schema.view.add-constraints.audit_log: view add-constraints.audit_log shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints"."audit_log"')), false)
-- check version_schema.view.add-constraints.comments: view add-constraints.comments shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints"."comments"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-constraints"."accounts";
--   DROP VIEW IF EXISTS "add-constraints"."audit_log";
--   DROP VIEW IF EXISTS "add-constraints"."comments";
--   DROP SCHEMA IF EXISTS "add-constraints";
-- step rollback.add_foreign_key.audit_log.audit_log_account_id_fkey
--   ALTER TABLE "public"."audit_log" DROP CONSTRAINT IF EXISTS "audit_log_account_id_fkey";
-- step rollback.add_unique.accounts.accounts_user_id_key.constraint
--   ALTER TABLE "public"."accounts" DROP CONSTRAINT IF EXISTS "accounts_user_id_key";
-- step rollback.add_unique.accounts.accounts_user_id_key.index
--   DROP INDEX CONCURRENTLY IF EXISTS "public"."accounts_user_id_key";
-- step rollback.add_check.comments.comments_body_not_empty
--   ALTER TABLE "public"."comments" DROP CONSTRAINT IF EXISTS "comments_body_not_empty";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-constraints_old"."accounts";
--   DROP VIEW IF EXISTS "add-constraints_old"."audit_log";
--   DROP VIEW IF EXISTS "add-constraints_old"."comments";
--   DROP SCHEMA IF EXISTS "add-constraints_old";
