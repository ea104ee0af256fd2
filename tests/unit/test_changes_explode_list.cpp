#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_explode_list {

using namespace orchestrate;

namespace {

Catalog catalog() {
  Catalog c = kinds_basic::catalog();
  Table tags;
  tags.schema = "public";
  tags.name = "tags";
  tags.columns = {{"id", "integer", true, std::nullopt, std::nullopt, false, false, false},
                  {"label", "text", false, std::nullopt, std::nullopt, false, false, false}};
  tags.indexes = {{"tags_pkey", "", {"id"}, true, true, true, false, "tags_pkey"}};
  c.tables.emplace("public.tags", tags);
  Table posts;
  posts.schema = "public";
  posts.name = "posts";
  posts.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, false, false, false},
                   {"tag_ids", "text", false, std::nullopt, std::nullopt, false, false, false},
                   {"title", "text", false, std::nullopt, std::nullopt, false, false, false}};
  posts.indexes = {{"posts_pkey", "", {"id"}, true, true, true, false, "posts_pkey"}};
  c.tables.emplace("public.posts", posts);
  return c;
}

PlanWork render(const std::string& change) {
  return render_plan(parse_plan_text("name: p\nchanges:\n" + change, "p.yaml"), catalog(), {.stable_shapes = false});
}

std::string error(const std::string& change) {
  try {
    render(change);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

const char* k_change = "  - explode_list: {table: posts, column: tag_ids, into: post_tags, "
                       "references: tags(id)}\n";

} // namespace

TEST_SUITE_BEGIN("changes_explode_list");

TEST_CASE("expand creates the join table with both foreign keys and a composite key") {
  auto w = render(k_change);
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 2);
  CHECK(expand.steps[0].sql ==
        "CREATE TABLE IF NOT EXISTS \"public\".\"post_tags\" (\n"
        "  \"post_id\" bigint NOT NULL REFERENCES \"public\".\"posts\" (\"id\") ON DELETE CASCADE "
        "ON UPDATE CASCADE,\n"
        "  \"tag_id\" integer NOT NULL REFERENCES \"public\".\"tags\" (\"id\") ON DELETE CASCADE "
        "ON UPDATE CASCADE,\n"
        "  PRIMARY KEY (\"post_id\", \"tag_id\"));\n"
        "CREATE INDEX IF NOT EXISTS \"post_tags_tag_id_idx\" ON \"public\".\"post_tags\" "
        "(\"tag_id\")");
  CHECK(expand.steps[1].sql == "ALTER TABLE \"public\".\"posts\" ADD COLUMN IF NOT EXISTS "
                               "\"_orc_side_posts_tag_ids\" \"char\" NOT NULL DEFAULT '0'");
  CHECK(kinds_basic::has_check(expand, "explode_list.posts.tag_ids.table"));
}

TEST_CASE("the sync: the string's writes replace join rows, join writes rebuild the string") {
  auto w = render(k_change);
  const auto& dw = w.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 1);
  const std::string& sql = dw.steps[0].sql;
  // Items: split, trimmed, integers only (never a cast error), naming a parent row.
  CHECK(sql.find("pg_catalog.unnest(pg_catalog.string_to_array(NEW.\"tag_ids\", ',')) AS _x") !=
        std::string::npos);
  CHECK(sql.find("CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN "
                 "pg_catalog.btrim(_x)::bigint END") != std::string::npos);
  CHECK(sql.find("EXISTS (SELECT 1 FROM \"public\".\"tags\" _p WHERE _p.\"id\" = _v.item)") !=
        std::string::npos);
  CHECK(sql.find("DELETE FROM \"public\".\"post_tags\" _j WHERE _j.\"post_id\" = NEW.\"id\" AND "
                 "_j.\"tag_id\" NOT IN (") != std::string::npos);
  CHECK(sql.find("CREATE TRIGGER \"_orc_list_upd_posts_tag_ids\" AFTER UPDATE ON "
                 "\"public\".\"posts\" FOR EACH ROW WHEN (NEW.\"_orc_side_posts_tag_ids\" = 'o' "
                 "AND NEW.\"tag_ids\" IS DISTINCT FROM OLD.\"tag_ids\")") != std::string::npos);
  // Back: cascades and the sync's own writes do not rewrite the string.
  CHECK(sql.find("pg_catalog.pg_trigger_depth() > 1") != std::string::npos);
  CHECK(sql.find("IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM \"public\".\"tags\" _p WHERE "
                 "_p.\"id\" = OLD.\"tag_id\")") != std::string::npos);
  CHECK(sql.find("UPDATE \"public\".\"posts\" SET \"tag_ids\" = (SELECT "
                 "pg_catalog.string_agg(_j.\"tag_id\"::text, ',' ORDER BY _j.\"tag_id\")") !=
        std::string::npos);
  CHECK(sql.find("CREATE TRIGGER \"_orc_list_back_post_tags\" AFTER INSERT OR UPDATE OR DELETE "
                 "ON \"public\".\"post_tags\"") != std::string::npos);
}

TEST_CASE("the backfill fills rows nobody reached, transition checks every row, contract drops "
          "the string") {
  auto w = render(k_change);
  const auto& bf = w.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].assignments ==
        "\"_orc_side_posts_tag_ids\" = \"public\".\"_orc_list_fill_posts_tag_ids\"(\"id\", "
        "\"tag_ids\")");
  CHECK(bf.backfills[0].differs == "\"public\".\"posts\".\"_orc_side_posts_tag_ids\" = '0'");
  CHECK(bf.backfills[0].invalid.find("IS DISTINCT FROM ARRAY(SELECT _j.\"tag_id\"::bigint FROM "
                                     "\"public\".\"post_tags\" _j WHERE _j.\"post_id\" = "
                                     "\"public\".\"posts\".\"id\" ORDER BY 1)") !=
        std::string::npos);
  CHECK(w.at(Phase::transition).gate.size() == 1);
  const auto& c = w.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql.find("ALTER TABLE \"public\".\"posts\" DROP COLUMN IF EXISTS \"tag_ids\", "
                            "DROP COLUMN IF EXISTS \"_orc_side_posts_tag_ids\"") !=
        std::string::npos);
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    REQUIRE(w.rollback[static_cast<int>(p)].size() == 1);
    CHECK(w.rollback[static_cast<int>(p)][0].sql.find(
              "DROP TABLE IF EXISTS \"public\".\"post_tags\";") == 0);
  }
}

TEST_CASE("names, delimiter and malformed are the plan's, and what cannot apply is refused at "
          "its field") {
  auto w = render("  - explode_list: {table: posts, column: tag_ids, into: labels, references: "
                  "tags(id), delimiter: \";\", owner_column: post, item_column: tag, malformed: "
                  "skip}\n");
  CHECK(w.at(Phase::expand).steps[0].sql.find("\"post\" bigint NOT NULL") != std::string::npos);
  CHECK(w.at(Phase::dual_write).steps[0].sql.find("string_to_array(NEW.\"tag_ids\", ';')") !=
        std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: title2, into: x, references: tags(id)}\n")
            .find("title2") != std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: id, into: x, references: tags(id)}\n")
            .find("not a string holding a list") != std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: tag_ids, into: x, references: "
              "tags(label)}\n")
            .find("must be integer keys") != std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: tag_ids, into: users, references: "
              "tags(id)}\n")
            .find("users exists already") != std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: tag_ids, into: x, references: tags(id), "
              "malformed: ignore}\n")
            .find("'malformed' must be refuse") != std::string::npos);
  CHECK(error("  - explode_list: {table: posts, column: tag_ids, into: x}\n")
            .find("'references' is required") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_explode_list
