#include "core/phase.hpp"

namespace orchestrate {

std::string_view phase_name(Phase phase) {
  switch (phase) {
  case Phase::expand:
    return "expand";
  case Phase::dual_write:
    return "dual_write";
  case Phase::backfill:
    return "backfill";
  case Phase::transition:
    return "transition";
  case Phase::contract:
    return "contract";
  }
  return "unknown";
}

std::optional<Phase> parse_phase(std::string_view text) {
  if (text == "dual-write") {
    return Phase::dual_write;
  }
  for (Phase p : k_phases) {
    if (phase_name(p) == text) {
      return p;
    }
  }
  return std::nullopt;
}

std::optional<Phase> next_phase(Phase phase) {
  if (phase == Phase::contract) {
    return std::nullopt;
  }
  return static_cast<Phase>(static_cast<int>(phase) + 1);
}

std::string PlanState::name() const {
  switch (kind) {
  case Kind::planned:
    return "planned";
  case Kind::in_phase:
    return std::string(phase_name(phase));
  case Kind::done:
    return "done";
  case Kind::rolled_back:
    return "rolled_back";
  }
  return "unknown";
}

std::optional<PlanState> PlanState::parse(std::string_view text) {
  if (text == "planned") {
    return planned();
  }
  if (text == "done") {
    return done();
  }
  if (text == "rolled_back") {
    return rolled_back();
  }
  if (auto p = parse_phase(text)) {
    return at(*p);
  }
  return std::nullopt;
}

} // namespace orchestrate
