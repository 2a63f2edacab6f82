// GET /metrics on a listener of its own (paystack/metrics_server.hpp), on the charge service's
// bounded HTTP server (http_server.hpp): no third HTTP server in the project.
#include <boost/asio/strand.hpp>
#include <paystack/metrics.hpp>
#include <paystack/metrics_server.hpp>

#include "http_server.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;

struct metrics_server::impl {
  metrics_server_options options;
  std::unique_ptr<serve::http_server> http;
};

namespace {

asio::awaitable<void> answer(serve::http_request& req, serve::responder& res) {
  // Everything in locals first: GCC 12 mishandles literals inside a co_await's expression.
  auto path = std::string_view(req.target);
  path = path.substr(0, path.find('?'));
  unsigned status = 200;
  std::string body;
  std::string_view type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  if (path != "/metrics" && path != "/") {
    status = 404;
    body = serve::error_body("not_found", "GET /metrics");
  } else if (req.method != "GET") {
    status = 405;
    body = serve::error_body("method_not_allowed", "GET /metrics");
    headers.emplace_back("Allow", "GET");
  } else if (path == "/") {
    body = "paystack-cpp metrics: GET /metrics\n";
    type = "text/plain";
  } else {
    body = metrics::scrape();
    type = metrics::content_type;
  }
  auto sent = res.send(status, std::move(body), type, std::move(headers));
  co_await std::move(sent);
}

}  // namespace

metrics_server::metrics_server(asio::any_io_executor executor, metrics_server_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  serve::http_limits l;
  l.bind_address = impl_->options.bind_address;
  l.port = impl_->options.port;
  l.max_body_bytes = 1024;  // a scrape sends none
  l.max_connections = impl_->options.max_connections;
  l.max_connections_per_source = impl_->options.max_connections;
  impl_->http = std::make_unique<serve::http_server>(asio::make_strand(executor), l, answer);
}

metrics_server::~metrics_server() {
  stop();
}

void metrics_server::start() {
  impl_->http->start();
}

void metrics_server::stop() noexcept {
  if (impl_ && impl_->http) impl_->http->stop();
}

std::uint16_t metrics_server::port() const noexcept {
  return impl_->http->port();
}

std::string metrics_server::url() const {
  auto host = impl_->options.bind_address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port()) + "/metrics";
}

}  // namespace v0
}  // namespace paystack
