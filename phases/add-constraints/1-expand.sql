-- plan add-constraints: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "add-constraints_old";
CREATE OR REPLACE VIEW "add-constraints_old"."accounts" AS SELECT "id", "balance", "created_at", "updated_at", "user_id" FROM "public"."accounts";
COMMENT ON VIEW "add-constraints_old"."accounts" IS 'orchestrate: the old application''s view of "public"."accounts" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('balance', 'balance'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('user_id', 'user_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."accounts"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints_old"."accounts"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints_old"."accounts"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."accounts"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints_old"."accounts"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints_old"."accounts"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints_old"."accounts"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints_old"."accounts"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints_old"."accounts"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "add-constraints_old"."audit_log" AS SELECT "id", "account_id", "action", "legacy_note", "created_at" FROM "public"."audit_log";
COMMENT ON VIEW "add-constraints_old"."audit_log" IS 'orchestrate: the old application''s view of "public"."audit_log" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('account_id', 'account_id'), ('action', 'action'), ('legacy_note', 'legacy_note'), ('created_at', 'created_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."audit_log"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints_old"."audit_log"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints_old"."audit_log"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."audit_log"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints_old"."audit_log"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints_old"."audit_log"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints_old"."audit_log"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints_old"."audit_log"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints_old"."audit_log"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "add-constraints_old"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."comments";
COMMENT ON VIEW "add-constraints_old"."comments" IS 'orchestrate: the old application''s view of "public"."comments" while plan add-constraints runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('posted_at', 'posted_at'), ('body', 'body')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."comments"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-constraints_old"."comments"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-constraints_old"."comments"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."comments"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-constraints_old"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-constraints_old"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-constraints_old"."comments"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-constraints_old"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-constraints_old"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "add-constraints_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "add-constraints_old" TO PUBLIC;

-- step add_check.comments.comments_body_not_empty.add
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = 'comments_body_not_empty') THEN
    ALTER TABLE "public"."comments" ADD CONSTRAINT "comments_body_not_empty" CHECK (length(body) > 0) NOT VALID;
  END IF;
END $orc$;

-- step add_unique.accounts.accounts_user_id_key.index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND NOT indisvalid) THEN
    DROP INDEX "public"."accounts_user_id_key";
  END IF;
END $orc$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "accounts_user_id_key" ON "public"."accounts" USING btree ("user_id");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisvalid AND indisready)

-- step add_foreign_key.audit_log.audit_log_account_id_fkey.add
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."audit_log"'::regclass AND conname = 'audit_log_account_id_fkey') THEN
    ALTER TABLE "public"."audit_log" ADD CONSTRAINT "audit_log_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "public"."accounts" ("id") ON DELETE CASCADE NOT VALID;
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check add_check.comments.comments_body_not_empty.exists: constraint comments_body_not_empty exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = 'comments_body_not_empty')
-- check add_unique.accounts.accounts_user_id_key.index: index accounts_user_id_key exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisvalid AND indisready)
-- check add_foreign_key.audit_log.audit_log_account_id_fkey.exists: constraint audit_log_account_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."audit_log"') AND conname = 'audit_log_account_id_fkey')
-- check version_schema.view.add-constraints_old.accounts: view add-constraints_old.accounts shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints_old"."accounts"')), false)
-- check version_schema.view.add-constraints_old.audit_log: view add-constraints_old.audit_log shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints_old"."audit_log"')), false)
-- check version_schema.view.add-constraints_old.comments: view add-constraints_old.comments shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"add-constraints_old"."comments"')), false)

-- rollback from this phase:
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
