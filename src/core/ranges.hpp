#pragma once

#include <algorithm>

namespace orchestrate {

// Whether `range` holds an element equal to `value`.
template <class Range, class T>
bool contains(const Range& range, const T& value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

} // namespace orchestrate
