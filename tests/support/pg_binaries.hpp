#pragma once

#include <filesystem>

namespace test_support {

// The directory holding initdb, pg_ctl, postgres and pg_dump of one PostgreSQL
// installation: what `pg_config --bindir` reports when that holds initdb (Debian's
// pg_config from libpq-dev does), else the newest /usr/lib/postgresql/<major>/bin.
// Throws std::runtime_error when no server installation is found.
std::filesystem::path postgres_bindir();

} // namespace test_support
