#pragma once

#include <memory>
#include <thread>

#include "metrics/metrics.hpp"

namespace orchestrate {

// Serves GET /metrics (any path, in fact) on 127.0.0.1:port in Prometheus text format, with
// Boost.Beast on a thread of its own so a slow scraper never touches the backfill. Loopback
// only: metrics are scraped by an agent on the same host, and nothing else should see them.
class MetricsServer {
public:
  // Binds at once, so a port in use fails the command before anything runs (exit 2).
  MetricsServer(unsigned short port, std::shared_ptr<const BackfillMetrics> metrics);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  unsigned short port() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::thread m_thread;
};

} // namespace orchestrate
