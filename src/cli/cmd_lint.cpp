#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/lint_report.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "lint/audit.hpp"
#include "lint/live.hpp"
#include "planner/live_checks.hpp"

namespace orchestrate {

namespace {
struct LintOptions {
  std::string plan;
  bool offline = false;
  bool strict = false;
  bool schema = false;
  std::string schema_name = "public";
  std::string write_plans;
};

// Writes the fix of one finding under `dir`; returns what happened, for the report.
std::string write_fix(const AuditFinding& f, const std::string& dir) {
  std::string why_not;
  const auto plan = fix_plan(f, why_not);
  if (!plan) {
    return why_not;
  }
  const std::filesystem::path path = std::filesystem::path(dir) / fix_plan_file(f);
  if (std::filesystem::exists(path)) {
    return path.string() + " exists already: not overwritten";
  }
  std::ofstream out(path);
  out << *plan;
  out.close();
  if (!out) {
    throw InputError("cannot write " + path.string());
  }
  return "plan written: " + path.string();
}

int run_audit(const LintOptions& o, const GlobalOptions& g) {
  if (!o.write_plans.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.write_plans, ec);
    if (ec) {
      throw InputError(fmt::format("--write-plans: cannot create {}: {}", o.write_plans,
                                   ec.message()));
    }
  }
  Session s(g, "lint", StateUse::none);
  const auto findings = audit_schema(*s.conn, o.schema_name);
  nlohmann::json all = nlohmann::json::array();
  int rank = 0;
  for (const auto& f : findings) {
    ++rank;
    const std::string fix = o.write_plans.empty() ? "" : write_fix(f, o.write_plans);
    if (g.json) {
      nlohmann::json j = {{"rank", rank},          {"rule", f.rule},
                          {"schema", f.schema},    {"table", f.table},
                          {"column", f.column},    {"type", f.type},
                          {"bytes", f.bytes},      {"size", f.size},
                          {"rows", f.rows},
                          {"message", f.message},  {"evidence", f.evidence},
                          {"fix_kind", f.fix_kind}};
      if (!fix.empty()) {
        j["fix"] = fix;
      }
      all.push_back(std::move(j));
    } else {
      std::printf("%d. %s.%s (%s, ~%.0f rows): %s [%s]%s%s: %s\n", rank, f.schema.c_str(),
                  f.table.c_str(), f.size.c_str(), f.rows, o.strict ? "error" : "warning",
                  f.rule.c_str(), f.column.empty() ? "" : " ", f.column.c_str(),
                  f.message.c_str());
      for (const auto& e : f.evidence) {
        std::printf("    evidence: %s\n", e.c_str());
      }
      std::printf("    fix: %s%s\n", f.fix_kind.c_str(),
                  fix.empty() ? "" : ("; " + fix).c_str());
    }
  }
  if (g.json) {
    std::printf("%s\n", all.dump(2).c_str());
  } else {
    std::fprintf(findings.empty() ? stdout : stderr, "schema %s: %zu finding(s)\n",
                 o.schema_name.c_str(), findings.size());
  }
  std::fflush(stdout);
  return o.strict && !findings.empty() ? k_exit_bad_input : k_exit_ok;
}

int run_lint(const LintOptions& o, const GlobalOptions& g) {
  if (o.schema) {
    if (!o.plan.empty() || o.offline) {
      throw InputError("lint --schema audits the live schema: give no PLAN and no --offline");
    }
    return run_audit(o, g);
  }
  if (o.plan.empty()) {
    throw InputError("lint: give a PLAN, or --schema to audit the live schema");
  }
  if (!o.write_plans.empty()) {
    throw InputError("lint: --write-plans goes with --schema");
  }
  const Plan plan = load_plan(o.plan);
  std::vector<LintWarning> warnings;
  if (o.offline) {
    warnings = lint_loaded_plan(plan, nullptr);
  } else {
    Session s(g, "lint", StateUse::none);
    // What validate refuses (a column that does not exist, an expression that does not
    // compile) is refused here too, at its position, with exit 2.
    for (const auto& notice : check_plan_live(*s.conn, plan, s.catalog())) {
      std::fprintf(stderr, "%s\n", notice.c_str());
    }
    warnings = lint_loaded_plan(plan, &s);
  }
  const int rc = report_lint(o.plan, warnings, o.strict, g);
  if (!g.json) {
    std::fprintf(warnings.empty() ? stdout : stderr, "%s: %zu warning(s)%s\n", o.plan.c_str(),
                 warnings.size(), o.offline ? " (offline: live-schema rules skipped)" : "");
  }
  return rc;
}
} // namespace

void setup_lint(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<LintOptions>();
  auto* sub = app.add_subcommand(
      "lint",
      "Warn about what would hurt under load before anything runs: unsafe statements in sql "
      "changes (parsed with PostgreSQL's parser), views, rules and functions a change would "
      "break, tables without a key to page by, and design mistakes (a natural primary key, a "
      "list in a string, no created_at/updated_at); each warning names the safe alternative. "
      "With --schema, audit the live schema for those design mistakes instead");
  sub->add_option("PLAN", o->plan, "plan file");
  sub->add_flag("--offline", o->offline,
                "do not connect; skip the rules that need the live schema");
  sub->add_flag("--strict", o->strict, "treat warnings as errors (exit 2 when there are any)");
  sub->add_flag("--schema", o->schema,
                "audit the live schema: natural primary keys (with the foreign keys pointing at "
                "them), lists in strings (from a TABLESAMPLE of the values), tables without "
                "timestamps; largest table first");
  sub->add_option("--schema-name", o->schema_name, "the schema --schema audits (default public)");
  sub->add_option("--write-plans", o->write_plans,
                  "with --schema: write a plan fixing each finding into this directory");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_lint(*o, g); }; });
}

} // namespace orchestrate
