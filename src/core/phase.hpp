#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace orchestrate {

// The five phases every plan moves through, in order.
enum class Phase { expand = 0, dual_write = 1, backfill = 2, transition = 3, contract = 4 };

inline constexpr std::array<Phase, 5> k_phases = {
    Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract};

// "expand", "dual_write", ... as stored in the state schema and printed.
std::string_view phase_name(Phase phase);
// Accepts "dual_write" and "dual-write"; nullopt for anything else.
std::optional<Phase> parse_phase(std::string_view text);
std::optional<Phase> next_phase(Phase phase);

// A plan's state: planned, one of the phases, done or rolled_back.
struct PlanState {
  enum class Kind { planned, in_phase, done, rolled_back };
  Kind kind = Kind::planned;
  Phase phase = Phase::expand; // meaningful when kind == in_phase

  static PlanState planned() { return {}; }
  static PlanState at(Phase p) { return {Kind::in_phase, p}; }
  static PlanState done() { return {Kind::done, Phase::contract}; }
  static PlanState rolled_back() { return {Kind::rolled_back, Phase::expand}; }

  std::string name() const;
  static std::optional<PlanState> parse(std::string_view text);
  bool active() const { return kind == Kind::planned || kind == Kind::in_phase; }
  bool operator==(const PlanState&) const = default;
};

} // namespace orchestrate
