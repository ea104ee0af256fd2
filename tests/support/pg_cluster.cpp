#include "pg_cluster.hpp"

#include "exit_guard.hpp"
#include "pg_binaries.hpp"
#include "process.hpp"

#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <sys/file.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace test_support {
namespace {

constexpr const char *superuser = "postgres";
constexpr auto tool_timeout = std::chrono::seconds(120);

struct Owner {
  uid_t uid;
  gid_t gid;
};

Owner postgres_account() {
  const passwd *entry = ::getpwnam("postgres");
  if (entry == nullptr) {
    throw std::runtime_error("running as root needs a `postgres` user to own the test "
                             "cluster (initdb refuses root); install postgresql-15");
  }
  return Owner{entry->pw_uid, entry->pw_gid};
}

// `argv` run as the cluster's owner when this process is root (initdb and the server refuse
// root). setpriv rather than runuser: it opens no PAM session, a third of runuser's 50 ms, and
// a test starts and stops a cluster with three such commands.
std::vector<std::string> as_owner_when_root(bool as_root, std::vector<std::string> argv) {
  if (!as_root) {
    return argv;
  }
  std::vector<std::string> wrapped{"setpriv", std::string("--reuid=") + superuser,
                                   std::string("--regid=") + superuser, "--init-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

// Where clusters live: /dev/shm when it is a writable directory with 2 GiB free (a container's
// may hold 64 MiB, too little for a cluster's WAL), /tmp otherwise; never $TMPDIR,
// since a unix socket path may be at most 107 bytes and, when running as root, the `postgres`
// user must be able to reach the directory. /dev/shm is a tmpfs on Linux: a cluster's files are
// then never written back to a disk, and creating them is cheaper. Measured on a 2-core virtual
// machine with ext4 under /tmp: copying the pristine data directory (990 files) 0.06 s of CPU
// instead of 0.28, a whole cluster's life 0.37 s instead of 0.60, CREATE DATABASE 0.10 s
// instead of 0.17.
const std::string& cluster_root() {
  static const std::string root = [] {
    constexpr unsigned long long k_enough = 2ULL << 30;
    struct statvfs fs {};
    const bool roomy = ::statvfs("/dev/shm", &fs) == 0 &&
                       static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize >= k_enough;
    return roomy && ::access("/dev/shm", W_OK | X_OK) == 0 ? std::string("/dev/shm")
                                                             : std::string("/tmp");
  }();
  return root;
}

std::filesystem::path make_temp_dir() {
  std::string pattern = cluster_root() + "/orchestrate-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  return pattern;
}

// The server listens on a unix socket only, so the port merely names the socket file;
// still pick one nobody uses on TCP either, so a printed URL is never ambiguous.
bool tcp_port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return true;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

int pick_port() {
  std::mt19937 generator(std::random_device{}());
  std::uniform_int_distribution<int> range(40000, 59999);
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (const int port = range(generator); tcp_port_free(port)) {
      return port;
    }
  }
  throw std::runtime_error("no free port found in 40000-59999");
}

std::string shell_quote(const std::string &text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string> &argv) {
  std::string command;
  for (const auto &arg : argv) {
    command += (command.empty() ? "" : " ") + shell_quote(arg);
  }
  return command;
}

// A value in a libpq key=value string: quoted only when it has to be.
std::string conninfo_value(const std::string &value) {
  if (!value.empty() && value.find_first_of(" '\\\t") == std::string::npos) {
    return value;
  }
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + "'";
}

void require_success(const ProcessResult &result, const std::string &what) {
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed with exit code " + std::to_string(result.exit_code) +
                             ":\n" + result.err + result.out);
  }
}

// A lock on a file, held until destroyed.
class FileLock {
public:
  explicit FileLock(const std::string &path)
      : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666)) {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
      throw std::system_error(errno, std::generic_category(), "lock " + path);
    }
  }
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
  ~FileLock() { ::close(m_fd); }

private:
  int m_fd;
};

} // namespace

// Every process of a server stays on one CPU. A new session is a fork of the postmaster whose
// first writes copy pages; each copy flushes the TLB of every CPU the process has run on, and on
// a virtual machine that costs an interrupt to the other CPU. Measured on a 2-core virtual
// machine: 300 connections of `pgbench -C` took 8.4 s of CPU with the server free to move and
// 4.3 s with it pinned, the same wall time; test_kinds_catalog.cpp's cases, each in a process of
// its own, 27.6 s of CPU and 24.0 s. So each server takes the first CPU no other running
// test server holds (a lock file per CPU, held while the server runs), or, when all are held, one
// at random; two tests side by side then each have a CPU for their server.
CpuSlot::CpuSlot() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &allowed)) {
        cpus.push_back(c);
      }
    }
  }
  if (cpus.empty()) {
    cpus.push_back(0);
  }
  for (const int c : cpus) {
    const std::string path = cluster_root() + "/orchestrate-pg-cpu-" + std::to_string(c) + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      m_fd = fd;
      m_cpu = c;
      return;
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }
  std::mt19937 generator(std::random_device{}());
  m_cpu = cpus[std::uniform_int_distribution<std::size_t>(0, cpus.size() - 1)(generator)];
}

CpuSlot::~CpuSlot() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::vector<std::string> CpuSlot::pin(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"taskset", "-c", std::to_string(m_cpu)});
  return argv;
}

// initdb takes over a second of CPU; a copy of the directory it made takes a tenth of that. So
// the first cluster made on the machine keeps a pristine copy beside the clusters (named after
// the server binaries and initdb's arguments, so another version or other arguments get their
// own), made once under a file lock, and every later cluster copies it.
void PgCluster::make_data_dir() {
  const std::vector<std::string> initdb{(m_bindir / "initdb").string(),
                                        "-A",
                                        "trust",
                                        "-U",
                                        superuser,
                                        "--no-sync",
                                        "-E",
                                        "UTF8",
                                        // A LANG naming a locale that is not installed would
                                        // make initdb fail.
                                        "--locale=C"};
  std::string key = m_bindir.string();
  for (const auto &arg : initdb) {
    key += " " + arg;
  }
  const std::string pristine = cluster_root() + "/orchestrate-pg-template-" +
                               std::to_string(::geteuid()) + "-" +
                               std::to_string(std::hash<std::string>{}(key));
  const std::filesystem::path complete = pristine + "/complete";
  {
    FileLock lock(pristine + ".lock");
    if (!std::filesystem::exists(complete)) {
      std::filesystem::remove_all(pristine);
      std::filesystem::create_directory(pristine);
      std::filesystem::permissions(pristine, std::filesystem::perms(0755));
      if (m_as_root) {
        const auto owner = postgres_account();
        if (::chown(pristine.c_str(), owner.uid, owner.gid) != 0) {
          throw std::system_error(errno, std::generic_category(), "chown " + pristine);
        }
      }
      std::vector<std::string> argv = initdb;
      argv.insert(argv.begin() + 1, {"-D", pristine + "/data"});
      require_success(run_process(as_owner(argv), {}, tool_timeout, pristine), "initdb");
      std::ofstream(complete) << key << "\n";
    }
  }
  require_success(run_process(as_owner({"cp", "-a", pristine + "/data", data_dir().string()}),
                              {},
                              tool_timeout,
                              m_dir),
                  "copy of the initdb template " + pristine);
}

PgCluster::PgCluster() : m_bindir(postgres_bindir()), m_as_root(::geteuid() == 0) {
  m_dir = make_temp_dir();
  try {
    // 0755: clients running as other users must reach the socket; data/ itself stays
    // 0700 as initdb makes it.
    std::filesystem::permissions(m_dir, std::filesystem::perms(0755));
    if (m_as_root) {
      const auto owner = postgres_account();
      if (::chown(m_dir.c_str(), owner.uid, owner.gid) != 0) {
        throw std::system_error(errno, std::generic_category(), "chown " + m_dir.string());
      }
    }
    m_guard = std::make_unique<ExitGuard>("cd /\n" +
                                          shell_command(as_owner({(m_bindir / "pg_ctl").string(),
                                                                  "-D",
                                                                  data_dir().string(),
                                                                  "-m",
                                                                  "immediate",
                                                                  "-w",
                                                                  "stop"})) +
                                          " >/dev/null 2>&1\nrm -rf -- " +
                                          shell_quote(m_dir.string()) + "\n");

    make_data_dir();

    m_port = pick_port();
    // In postgresql.conf rather than on pg_ctl's command line, so restart() keeps them.
    std::ofstream conf(data_dir() / "postgresql.conf", std::ios::app);
    conf << "\n# throwaway test cluster\n"
         << "listen_addresses = ''\n"
         << "port = " << m_port << "\n"
         << "unix_socket_directories = '" << m_dir.string() << "'\n"
         << "fsync = off\n"
         << "synchronous_commit = off\n"
         << "full_page_writes = off\n"
         << "max_connections = 200\n";
    conf.close();
    if (!conf) {
      throw std::runtime_error("cannot append to " + (data_dir() / "postgresql.conf").string());
    }
    start();
  } catch (...) {
    stop();
    throw;
  }
}

PgCluster::~PgCluster() {
  stop();
}

std::string PgCluster::url(const std::string &dbname) const {
  return "host=" + conninfo_value(m_dir.string()) + " port=" + std::to_string(m_port) +
         " user=" + superuser + " dbname=" + conninfo_value(dbname);
}

std::string PgCluster::create_database(const std::string &name, const std::string &template_db) {
  pqxx::connection conn(url());
  // CREATE DATABASE refuses to run inside a transaction block. FILE_COPY copies the files and
  // checkpoints (cheap without fsync) where the default writes every page to the WAL: 100 ms a
  // database instead of 130 on this suite's databases.
  pqxx::nontransaction tx(conn);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name) +
           (template_db.empty() ? "" : " TEMPLATE " + tx.quote_name(template_db)) +
           " STRATEGY FILE_COPY");
  return url(name);
}

void PgCluster::restart() {
  require_success(run_process(as_owner(m_cpu.pin({(m_bindir / "pg_ctl").string(),
                                                  "-D",
                                                  data_dir().string(),
                                                  "-l",
                                                  log_file().string(),
                                                  "-m",
                                                  "fast",
                                                  "-w",
                                                  "-t",
                                                  "60",
                                                  "restart"})),
                              {},
                              tool_timeout,
                              m_dir),
                  "pg_ctl restart\n" + log_tail());
  wait_until_accepting();
}

std::string PgCluster::dump_schema(const std::string &dbname) const {
  auto result = run_process({(m_bindir / "pg_dump").string(),
                             "--schema-only",
                             "--no-owner",
                             "--host",
                             m_dir.string(),
                             "--port",
                             std::to_string(m_port),
                             "--username",
                             superuser,
                             "--dbname",
                             dbname},
                            {},
                            tool_timeout);
  require_success(result, "pg_dump of " + dbname);
  return result.out;
}

void PgCluster::start() {
  auto result = run_process(as_owner(m_cpu.pin({(m_bindir / "pg_ctl").string(),
                                                "-D",
                                                data_dir().string(),
                                                "-l",
                                                log_file().string(),
                                                "-w",
                                                "-t",
                                                "60",
                                                "start"})),
                            {},
                            tool_timeout,
                            m_dir);
  if (result.exit_code != 0) {
    require_success(result, "pg_ctl start\n" + log_tail());
  }
  wait_until_accepting();
}

void PgCluster::wait_until_accepting() const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    try {
      pqxx::connection conn(url());
      return;
    } catch (const pqxx::broken_connection &e) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error(std::string("test cluster does not accept connections: ") +
                                 e.what() + "\n" + log_tail());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void PgCluster::stop() noexcept {
  if (m_dir.empty()) {
    return;
  }
  bool stopped = false;
  try {
    stopped = run_process(as_owner({(m_bindir / "pg_ctl").string(),
                                    "-D",
                                    data_dir().string(),
                                    "-m",
                                    "immediate",
                                    "-w",
                                    "-t",
                                    "30",
                                    "stop"}),
                          {},
                          std::chrono::seconds(60),
                          m_dir)
                  .exit_code == 0;
  } catch (...) {
    stopped = false;
  }
  if (!stopped) {
    // pg_ctl fails when no server runs (initdb failed) and, rarely, when it hangs;
    // in the second case the postmaster's pid is still on disk.
    std::ifstream pid_file(data_dir() / "postmaster.pid");
    long pid = 0;
    if (pid_file >> pid && pid > 0) {
      ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
  if (m_guard) {
    m_guard->dismiss();
  }
  m_dir.clear();
}

std::vector<std::string> PgCluster::as_owner(std::vector<std::string> argv) const {
  return as_owner_when_root(m_as_root, std::move(argv));
}

std::string PgCluster::log_tail() const {
  std::ifstream log(log_file());
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) {
    lines.push_back(line);
  }
  std::ostringstream tail;
  tail << "--- last lines of " << log_file().string() << " ---\n";
  const std::size_t first = lines.size() > 20 ? lines.size() - 20 : 0;
  for (std::size_t i = first; i < lines.size(); ++i) {
    tail << lines[i] << "\n";
  }
  return tail.str();
}

PgStandby::PgStandby(const PgCluster &primary, const std::string &settings)
    : m_bindir(postgres_bindir()), m_as_root(::geteuid() == 0) {
  m_dir = make_temp_dir();
  const auto data = m_dir / "data";
  const auto owner_argv = [this](std::vector<std::string> argv) {
    return as_owner_when_root(m_as_root, std::move(argv));
  };
  try {
    std::filesystem::permissions(m_dir, std::filesystem::perms(0755));
    if (m_as_root) {
      const auto owner = postgres_account();
      if (::chown(m_dir.c_str(), owner.uid, owner.gid) != 0) {
        throw std::system_error(errno, std::generic_category(), "chown " + m_dir.string());
      }
    }
    m_guard = std::make_unique<ExitGuard>(
        "cd /\n" +
        shell_command(owner_argv(
            {(m_bindir / "pg_ctl").string(), "-D", data.string(), "-m", "immediate", "-w", "stop"})) +
        " >/dev/null 2>&1\nrm -rf -- " + shell_quote(m_dir.string()) + "\n");
    require_success(run_process(owner_argv({(m_bindir / "pg_basebackup").string(), "-h",
                                            primary.socket_dir(), "-p",
                                            std::to_string(primary.port()), "-U", superuser, "-D",
                                            data.string(), "-R", "-X", "stream", "-c", "fast", "--no-sync"}),
                                {}, tool_timeout, m_dir),
                    "pg_basebackup");
    m_port = pick_port();
    // Later lines win: the copy of the primary's settings keeps everything but where to listen.
    std::ofstream conf(data / "postgresql.conf", std::ios::app);
    conf << "\n# standby of the throwaway test cluster\n"
         << "port = " << m_port << "\n"
         << "unix_socket_directories = '" << m_dir.string() << "'\n"
         << "hot_standby = on\n"
         << settings << "\n";
    conf.close();
    require_success(run_process(owner_argv(m_cpu.pin({(m_bindir / "pg_ctl").string(), "-D",
                                                      data.string(), "-l",
                                                      (m_dir / "postgres.log").string(), "-w",
                                                      "-t", "60", "start"})),
                                {}, tool_timeout, m_dir),
                    "pg_ctl start (standby)");
  } catch (...) {
    stop();
    throw;
  }
}

PgStandby::~PgStandby() {
  stop();
}

std::string PgStandby::url(const std::string &dbname) const {
  return "host=" + conninfo_value(m_dir.string()) + " port=" + std::to_string(m_port) +
         " user=" + superuser + " dbname=" + conninfo_value(dbname);
}

void PgStandby::stop() noexcept {
  if (m_dir.empty()) {
    return;
  }
  try {
    const auto argv = as_owner_when_root(
        m_as_root, {(m_bindir / "pg_ctl").string(), "-D", (m_dir / "data").string(), "-m",
                    "immediate", "-w", "-t", "30", "stop"});
    (void)run_process(argv, {}, std::chrono::seconds(60), m_dir);
  } catch (...) {
    // The guard's script still stops it when this process ends.
  }
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
  if (m_guard) {
    m_guard->dismiss();
  }
  m_dir.clear();
}

PgCluster &shared_cluster() {
  static PgCluster cluster;
  return cluster;
}

} // namespace test_support
