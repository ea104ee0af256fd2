-- plan split-users-name: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "split-users-name_old";
CREATE OR REPLACE VIEW "split-users-name_old"."users" AS SELECT "id", "name", "created_at", "email", "phone" FROM "public"."users";
COMMENT ON VIEW "split-users-name_old"."users" IS 'orchestrate: the old application''s view of "public"."users" while plan split-users-name runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('name', 'name'), ('created_at', 'created_at'), ('email', 'email'), ('phone', 'phone')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."users"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"split-users-name_old"."users"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"split-users-name_old"."users"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."users"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"split-users-name_old"."users"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"split-users-name_old"."users"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"split-users-name_old"."users"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."users"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."users"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"split-users-name_old"."users"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"split-users-name_old"."users"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "split-users-name_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "split-users-name_old" TO PUBLIC;

-- step split_column.users.name.add_columns
ALTER TABLE "public"."users"
  ADD COLUMN IF NOT EXISTS "first_name" text,
  ADD COLUMN IF NOT EXISTS "last_name" text,
  ADD COLUMN IF NOT EXISTS "_orc_side_users_first_name" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check split_column.users.name.column.first_name: column users.first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'first_name' AND NOT attisdropped)
-- check split_column.users.name.column.last_name: column users.last_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = 'last_name' AND NOT attisdropped)
-- check split_column.users.name.side_column: column users._orc_side_users_first_name exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."users"') AND attname = '_orc_side_users_first_name' AND NOT attisdropped)
-- check version_schema.view.split-users-name_old.users: view split-users-name_old.users shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"split-users-name_old"."users"')), false)

-- rollback from this phase:
-- step rollback.split_column.users.name.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_users_first_name" ON "public"."users";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_users_first_name" ON "public"."users";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_users_first_name"();
--   ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first_name", DROP COLUMN IF EXISTS "last_name", DROP COLUMN IF EXISTS "_orc_side_users_first_name";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "split-users-name_old"."users";
--   DROP SCHEMA IF EXISTS "split-users-name_old";
