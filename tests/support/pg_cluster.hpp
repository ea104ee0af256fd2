#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

class ExitGuard;

// One CPU for all the processes of a test server, held while the server runs: the first no other
// test server holds, or one at random when all are (pg_cluster.cpp says why).
class CpuSlot {
public:
  CpuSlot();
  CpuSlot(const CpuSlot &) = delete;
  CpuSlot &operator=(const CpuSlot &) = delete;
  ~CpuSlot();
  // `argv` run through taskset on that CPU; what it starts stays there.
  std::vector<std::string> pin(std::vector<std::string> argv) const;

private:
  int m_fd = -1;
  int m_cpu = 0;
};

// A throwaway PostgreSQL server for one test process: its own data directory in a fresh
// temp directory, listening only on a unix socket in that directory, with durability
// switched off for speed. Works as root: the server then runs as the `postgres` user.
// Stopped and removed by the destructor, and by a helper process if this one crashes.
class PgCluster {
public:
  PgCluster();
  PgCluster(const PgCluster &) = delete;
  PgCluster &operator=(const PgCluster &) = delete;
  ~PgCluster();

  // key=value connection string: host=<socket dir> port=<port> user=postgres dbname=<db>.
  std::string url(const std::string &dbname = "postgres") const;
  // CREATE DATABASE <name>; returns url(name). `template_db`: a database to copy (CREATE
  // DATABASE ... TEMPLATE), to which no session may be connected; empty: template1, as usual.
  std::string create_database(const std::string &name, const std::string &template_db = {});
  // Fast shutdown and start again, same port and socket; returns once it accepts
  // connections again.
  void restart();
  // pg_dump --schema-only --no-owner of one database.
  std::string dump_schema(const std::string &dbname) const;

  int port() const { return m_port; }
  std::string socket_dir() const { return m_dir.string(); }
  std::filesystem::path data_dir() const { return m_dir / "data"; }
  // The server's log, worth printing when a test fails mysteriously.
  std::filesystem::path log_file() const { return m_dir / "postgres.log"; }

private:
  // data_dir() as initdb makes it, copied from a template made once.
  void make_data_dir();
  void start();
  void wait_until_accepting() const;
  void stop() noexcept;
  // argv run as the cluster's owner: through `setpriv` as postgres when root.
  std::vector<std::string> as_owner(std::vector<std::string> argv) const;
  std::string log_tail() const;

  std::filesystem::path m_bindir;
  std::filesystem::path m_dir;
  int m_port = 0;
  bool m_as_root = false;
  CpuSlot m_cpu;
  std::unique_ptr<ExitGuard> m_guard;
};

// One cluster per test process, started on first use and stopped at exit.
PgCluster &shared_cluster();

// A streaming standby of a PgCluster: pg_basebackup -R of the primary into a temp directory of
// its own, with its own port and socket, started at once and stopped (and removed) by the
// destructor, or by a helper process if this one crashes. `settings` are appended to its
// postgresql.conf (e.g. "recovery_min_apply_delay = '5s'" for a standby that lags).
class PgStandby {
public:
  PgStandby(const PgCluster &primary, const std::string &settings = "");
  PgStandby(const PgStandby &) = delete;
  PgStandby &operator=(const PgStandby &) = delete;
  ~PgStandby();

  std::string url(const std::string &dbname = "postgres") const;

private:
  void stop() noexcept;

  std::filesystem::path m_bindir;
  std::filesystem::path m_dir;
  int m_port = 0;
  bool m_as_root = false;
  CpuSlot m_cpu;
  std::unique_ptr<ExitGuard> m_guard;
};

} // namespace test_support
