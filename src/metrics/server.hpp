#pragma once

#include <memory>
#include <thread>

#include "metrics/metrics.hpp"

namespace orchestrate {

// Serves GET /metrics (any path, in fact) on address:port in Prometheus text format, with
// Boost.Beast on a thread of its own so a slow scraper never touches the backfill. The address
// is loopback unless the operator names another (a Prometheus on another host).
class MetricsServer {
public:
  // Binds at once, so a bad address or a port in use fails the command before anything runs
  // (InputError, exit 2).
  MetricsServer(const std::string& address,
                unsigned short port,
                std::shared_ptr<const MetricsSource> metrics);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  unsigned short port() const;
  // "host:port" as bound (IPv6 in brackets), for the line that tells where to scrape.
  std::string endpoint() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::thread m_thread;
};

} // namespace orchestrate
