// The charge service's Beast server (the one translation unit of src/serve/ with Beast).
//
// One strand runs the acceptor, every connection and the application handler, so connection
// bookkeeping needs no lock. A request's header block is read with header_timeout (idle
// keep-alive time included); its body and each write with io_timeout. The read buffer's
// max_size bounds what a connection holds besides the body (body_limit) and the parsed header
// (header_limit): a chunk-size line or trailer that does not fit closes the connection.
#include "http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <set>

namespace paystack {
inline namespace v0 {
namespace serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string error_body(std::string_view code, std::string_view message, std::string_view field) {
  boost::json::object e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return boost::json::serialize(boost::json::object{{"error", std::move(e)}});
}

namespace {

struct connection {
  connection(tcp::socket s, asio::ip::address a) : stream(std::move(s)), source(a) {}
  beast::tcp_stream stream;
  asio::ip::address source;
};

asio::ip::address normalise(asio::ip::address a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

/// The responder of one request on one connection.
class beast_responder final : public responder {
 public:
  beast_responder(connection& c, std::chrono::milliseconds io_timeout, bool keep_alive)
      : c_(c), io_timeout_(io_timeout), keep_alive_(keep_alive) {}

  asio::awaitable<bool> send(unsigned status, std::string body, std::string_view content_type,
                             std::vector<std::pair<std::string, std::string>> headers) override {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    for (auto& [name, value] : headers) res.set(name, value);
    res.body() = std::move(body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    c_.stream.expires_after(io_timeout_);
    auto [ec, n] = co_await http::async_write(c_.stream, res, asio::as_tuple(asio::use_awaitable));
    answered_ = true;
    if (ec) keep_alive_ = false;
    co_return !ec;
  }

  asio::awaitable<bool> open_stream(std::string_view content_type) override {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: ";
    head.append(content_type);
    head.append("\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
    answered_ = true;
    keep_alive_ = false;
    const bool ok = co_await write(std::move(head));
    co_return ok;
  }

  asio::awaitable<bool> write(std::string data) override {
    c_.stream.expires_after(io_timeout_);
    auto [ec, n] = co_await asio::async_write(c_.stream, asio::buffer(data),
                                              asio::as_tuple(asio::use_awaitable));
    co_return !ec;
  }

  bool answered() const noexcept { return answered_; }
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  connection& c_;
  std::chrono::milliseconds io_timeout_;
  bool keep_alive_;
  bool answered_ = false;
};

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  asio::strand<asio::any_io_executor> strand;
  http_limits limits;
  http_handler handler;
  tcp::acceptor acceptor;
  std::set<connection*> connections;
  std::map<asio::ip::address, std::size_t> per_source;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> started{false}, stopped{false};
  http_server_counts counts;

  impl(asio::strand<asio::any_io_executor> s, http_limits l, http_handler h)
      : strand(s), limits(std::move(l)), handler(std::move(h)), acceptor(strand) {}

  bool admit(const asio::ip::address& source) {
    if (connections.size() >= limits.max_connections) return false;
    auto it = per_source.find(source);
    return it == per_source.end() || it->second < limits.max_connections_per_source;
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (stopped) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        asio::steady_timer pause(strand, std::chrono::milliseconds(50));  // e.g. EMFILE
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      boost::system::error_code rec, ignored;
      const auto remote = sock.remote_endpoint(rec);
      if (rec || !admit(normalise(remote.address()))) {
        if (!rec) ++counts.refused;
        sock.close(ignored);
        continue;
      }
      auto c = std::make_shared<connection>(std::move(sock), normalise(remote.address()));
      connections.insert(c.get());
      ++per_source[c->source];
      asio::co_spawn(strand, session(self, c), asio::detached);
    }
  }

  void forget(connection& c) {
    if (connections.erase(&c) == 0) return;
    if (auto it = per_source.find(c.source); it != per_source.end() && --it->second == 0)
      per_source.erase(it);
  }

  /// Answers a request refused from its header (413, 431) and closes.
  asio::awaitable<void> refuse(connection& c, unsigned status, std::string_view code,
                               std::string_view message) {
    ++counts.requests;
    beast_responder r(c, limits.io_timeout, false);
    co_await r.send(status, error_body(code, message), "application/json", {});
  }

  asio::awaitable<bool> serve_one(connection& c, beast::flat_buffer& buffer) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    c.stream.expires_after(limits.header_timeout);
    auto [hec, hn] = co_await http::async_read_header(c.stream, buffer, parser,
                                                      asio::as_tuple(asio::use_awaitable));
    if (hec == beast::error::timeout) ++counts.timed_out;
    if (hec == http::error::header_limit || hec == http::error::buffer_overflow) {
      co_await refuse(c, 431, "header_too_large", "the request header is too large");
      co_return false;
    }
    if (hec == http::error::body_limit) {
      ++counts.too_large;
      co_await refuse(c, 413, "payload_too_large", "the request body is over the limit");
      co_return false;
    }
    if (hec) co_return false;
    c.stream.expires_after(limits.io_timeout);
    auto [bec, bn] =
        co_await http::async_read(c.stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (bec == http::error::body_limit || bec == http::error::buffer_overflow) {
      ++counts.too_large;
      co_await refuse(c, 413, "payload_too_large", "the request body is over the limit");
      co_return false;
    }
    if (bec) co_return false;
    auto msg = parser.release();
    http_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    if (auto it = msg.find(http::field::authorization); it != msg.end())
      req.authorization = std::string(it->value());
    if (auto it = msg.find(http::field::content_type); it != msg.end())
      req.content_type = std::string(it->value());
    req.body = std::move(msg.body());
    beast_responder r(c, limits.io_timeout, msg.keep_alive() && !stopped);
    ++counts.requests;
    co_await handler(req, r);
    if (!r.answered())
      co_await r.send(500, error_body("internal", "no answer"), "application/json", {});
    co_return r.keep_alive() && !stopped;
  }

  asio::awaitable<void> session(std::shared_ptr<impl> self, std::shared_ptr<connection> c) {
    beast::flat_buffer buffer;
    buffer.max_size(limits.max_header_bytes + 4096);
    for (;;) {
      if (stopped) break;
      const bool again = co_await serve_one(*c, buffer);
      if (!again) break;
    }
    forget(*c);
    boost::system::error_code ec;
    c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    c->stream.close();
    (void)self;
  }

  void close_all() {
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto* c : connections) c->stream.socket().close(ec);
  }
};

http_server::http_server(asio::strand<asio::any_io_executor> strand, http_limits limits,
                         http_handler handler)
    : impl_(std::make_shared<impl>(strand, std::move(limits), std::move(handler))) {}

http_server::~http_server() {
  stop();
}

void http_server::start() {
  if (impl_->started.exchange(true)) throw std::logic_error("http_server: already started");
  tcp::endpoint ep(asio::ip::make_address(impl_->limits.bind_address), impl_->limits.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(asio::socket_base::max_listen_connections);
  impl_->port = a.local_endpoint().port();
  asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached);
}

void http_server::stop() noexcept {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  try {
    asio::dispatch(impl_->strand, [i = impl_] { i->close_all(); });
  } catch (...) {
  }
}

std::uint16_t http_server::port() const noexcept {
  return impl_->port;
}

const http_server_counts& http_server::counts() const noexcept {
  return impl_->counts;
}

}  // namespace serve
}  // namespace v0
}  // namespace paystack
