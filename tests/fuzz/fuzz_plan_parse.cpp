// libFuzzer target for the plan parser: any byte string must either parse or be refused with
// an InputError (exit 2); a crash, a sanitizer report, a leak or any other exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "plan/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto plan = orchestrate::parse_plan_text(text, "fuzz.yaml");
    (void)plan.changes.size();
  } catch (const orchestrate::InputError&) {
    // Refusing bad input with a message is the expected outcome for most inputs.
  }
  return 0;
}
