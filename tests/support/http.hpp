#pragma once

#include <string>

namespace test_support {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int free_port();

// A plain HTTP GET to 127.0.0.1:port; the whole response, headers included, or empty when
// nothing listens.
std::string http_get(int port, const std::string &path);

} // namespace test_support
