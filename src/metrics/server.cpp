#include "metrics/server.hpp"

#include <utility> // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

#include "core/errors.hpp"

namespace orchestrate {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
// One scrape: read a request, answer it, close. Each connection owns itself through
// shared_from_this until its last handler ran.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(tcp::socket socket, std::shared_ptr<const MetricsSource> metrics)
      : m_stream(std::move(socket)), m_metrics(std::move(metrics)) {}

  void start() {
    m_stream.expires_after(std::chrono::seconds(10));
    http::async_read(m_stream, m_buffer, m_request,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) {
                         self->answer();
                       }
                     });
  }

private:
  void answer() {
    m_response.version(m_request.version());
    m_response.keep_alive(false);
    if (m_request.method() != http::verb::get && m_request.method() != http::verb::head) {
      m_response.result(http::status::method_not_allowed);
      m_response.body() = "only GET\n";
    } else {
      m_response.result(http::status::ok);
      m_response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      m_response.body() = m_metrics->render();
    }
    m_response.prepare_payload();
    http::async_write(m_stream, m_response,
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                      });
  }

  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
  http::request<http::string_body> m_request;
  http::response<http::string_body> m_response;
  std::shared_ptr<const MetricsSource> m_metrics;
};
} // namespace

struct MetricsServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::shared_ptr<const MetricsSource> metrics;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) {
        return;
      }
      if (!ec) {
        std::make_shared<Connection>(std::move(socket), metrics)->start();
      }
      accept();
    });
  }
};

MetricsServer::MetricsServer(const std::string& address,
                             unsigned short port,
                             std::shared_ptr<const MetricsSource> metrics)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->metrics = std::move(metrics);
  const std::string where = address + ":" + std::to_string(port);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) {
    throw InputError("'" + address + "' is not an IP address (examples: 127.0.0.1, 0.0.0.0, ::)");
  }
  const tcp::endpoint endpoint(ip, port);
  m_impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    m_impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    m_impl->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    m_impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw InputError("cannot listen on " + where + ": " + ec.message());
  }
  m_impl->accept();
  m_thread = std::thread([impl = m_impl.get()] { impl->io.run(); });
}

MetricsServer::~MetricsServer() {
  asio::post(m_impl->io, [impl = m_impl.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  m_impl->io.stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

unsigned short MetricsServer::port() const {
  return m_impl->acceptor.local_endpoint().port();
}

std::string MetricsServer::endpoint() const {
  const auto local = m_impl->acceptor.local_endpoint();
  const std::string host = local.address().to_string();
  return (local.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(local.port());
}

} // namespace orchestrate
