// webhook_server: the Beast part of the webhook receiver (kept in this one translation unit).
//
// One strand serialises the acceptor and every connection: webhook traffic is small and this
// keeps stop() simple. Application handlers run on the plain executor, posted after the 200.
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdlib>
#include <mutex>
#include <paystack/webhook_server.hpp>
#include <set>
#include <stdexcept>

namespace paystack {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct webhook_server::impl : std::enable_shared_from_this<impl> {
  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> strand;
  webhook_server_options options;
  std::shared_ptr<webhook_feed> feed = std::make_shared<webhook_feed>();
  tcp::acceptor acceptor;
  std::set<beast::tcp_stream*> connections;  // on the strand
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};

  std::atomic<std::uint64_t> requests{0}, accepted{0}, duplicates{0}, bad_signature{0},
      too_large{0}, forbidden{0}, bad_request{0};

  impl(asio::any_io_executor ex, webhook_server_options o)
      : executor(ex), strand(asio::make_strand(ex)), options(std::move(o)), acceptor(strand) {}

  bool source_allowed(const tcp::endpoint& remote) const {
    if (!options.restrict_sources) return true;
    auto a = remote.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
      a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    for (const auto& s : options.allowed_sources) {
      boost::system::error_code ec;
      auto allowed = asio::ip::make_address(s, ec);
      if (!ec && allowed == a) return true;
    }
    return false;
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (stopped) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // e.g. too many open files: keep serving the others, without spinning on the error.
        asio::steady_timer pause(strand, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (connections.size() >= options.max_connections) {
        boost::system::error_code ignored;
        sock.close(ignored);
        continue;
      }
      asio::co_spawn(strand, session(self, std::move(sock)), asio::detached);
    }
  }

  http::response<http::string_body> answer(const http::request_header<>& req, http::status st,
                                           std::string_view text) {
    http::response<http::string_body> res{st, req.version()};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(text);
    res.prepare_payload();
    return res;
  }

  /// Everything after the body was read: signature, parse, de-duplication, hand-over.
  http::status handle(const http::request<http::string_body>& req, std::string_view& text) {
    const std::string_view body = req.body();
    std::string_view header;
    if (auto it = req.find("x-paystack-signature"); it != req.end()) header = it->value();
    if (!verify_webhook_signature(body, header, options.secret_key)) {
      ++bad_signature;
      text = "invalid signature";
      return http::status::unauthorized;
    }
    auto parsed = parse_webhook_event(body);
    if (!parsed) {
      ++bad_request;
      text = "not a webhook event";
      return http::status::bad_request;
    }
    auto dedup = options.dedup;
    if (!dedup->insert_if_absent(webhook_dedup_key(*parsed))) {
      ++duplicates;
      text = "duplicate";
      return http::status::ok;
    }
    ++accepted;
    asio::post(executor, [self = shared_from_this(), e = std::move(*parsed)] {
      try {
        if (self->options.on_event) self->options.on_event(e);
      } catch (...) {
        // An application handler must not take the server down; it was told not to throw.
      }
      self->feed->publish(e);
    });
    text = "ok";
    return http::status::ok;
  }

  asio::awaitable<void> session(std::shared_ptr<impl> self, tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    connections.insert(&stream);
    struct unregister {
      impl* i;
      beast::tcp_stream* s;
      ~unregister() { i->connections.erase(s); }
    } guard{this, &stream};
    boost::system::error_code ec;
    const auto remote = stream.socket().remote_endpoint(ec);
    const bool source_ok = !ec && source_allowed(remote);
    beast::flat_buffer buffer;
    for (;;) {
      if (stopped) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(options.io_timeout);
      auto [rec, rn] = co_await http::async_read_header(stream, buffer, parser,
                                                        asio::as_tuple(asio::use_awaitable));
      if (rec == http::error::body_limit) {
        // Beast refuses a Content-Length over the cap while reading the header.
        ++too_large;
        ++requests;
        http::request_header<> h;
        auto res = answer(h, http::status::payload_too_large, "payload too large");
        res.keep_alive(false);
        stream.expires_after(options.io_timeout);
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        break;
      }
      if (rec) break;
      const auto& hdr = parser.get();
      std::string_view text;
      http::status st = http::status::ok;
      bool close = false;
      auto target = std::string_view(hdr.target());
      if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
      if (!source_ok) {
        ++forbidden;
        st = http::status::forbidden;
        text = "forbidden";
        close = true;
      } else if (hdr.method() != http::verb::post) {
        ++bad_request;
        st = http::status::method_not_allowed;
        text = "method not allowed";
      } else if (!options.path.empty() && target != options.path) {
        ++bad_request;
        st = http::status::not_found;
        text = "not found";
      } else if (auto cl = parser.content_length(); cl && *cl > options.max_body_bytes) {
        ++too_large;
        st = http::status::payload_too_large;
        text = "payload too large";
        close = true;
      }
      if (st == http::status::ok) {
        auto [bec, bn] =
            co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        if (bec == http::error::body_limit) {
          ++too_large;
          st = http::status::payload_too_large;
          text = "payload too large";
          close = true;
        } else if (bec) {
          break;
        } else {
          st = handle(parser.get(), text);
        }
      } else if (!close) {
        // Read (and drop) a small body so the connection stays usable; big ones: close.
        auto cl = parser.content_length();
        if (parser.chunked() || (cl && *cl > 64 * 1024)) {
          close = true;
        } else if (!parser.is_done()) {
          auto [bec, bn] = co_await http::async_read(stream, buffer, parser,
                                                     asio::as_tuple(asio::use_awaitable));
          if (bec) break;
        }
      }
      ++requests;
      auto res = answer(hdr, st, text);
      const bool keep = !close && hdr.keep_alive() && !stopped;
      res.keep_alive(keep);
      stream.expires_after(options.io_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !keep) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
    (void)self;
  }

  void close_all() {
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto* s : connections) s->socket().close(ec);
  }
};

webhook_server::webhook_server(asio::any_io_executor executor, webhook_server_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {
  if (!impl_->options.dedup) impl_->options.dedup = make_memory_dedup_store();
  if (impl_->options.secret_key.empty()) {
    if (const char* k = std::getenv("PAYSTACK_SECRET_KEY")) impl_->options.secret_key = k;
  }
}

webhook_server::~webhook_server() {
  stop();
}

void webhook_server::start() {
  if (impl_->started.exchange(true)) throw std::logic_error("webhook_server: already started");
  if (impl_->options.secret_key.empty())
    throw std::invalid_argument(
        "webhook_server: no secret key (set webhook_server_options::secret_key or "
        "PAYSTACK_SECRET_KEY)");
  auto addr = asio::ip::make_address(impl_->options.bind_address);
  tcp::endpoint ep(addr, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(asio::socket_base::max_listen_connections);
  impl_->port = a.local_endpoint().port();
  asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached);
}

void webhook_server::stop() noexcept {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  try {
    asio::dispatch(impl_->strand, [i = impl_] { i->close_all(); });
  } catch (...) {
  }
}

std::uint16_t webhook_server::port() const noexcept {
  return impl_->port;
}

std::string webhook_server::url() const {
  auto host = impl_->options.bind_address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port()) +
         (impl_->options.path.empty() ? std::string("/") : impl_->options.path);
}

std::shared_ptr<webhook_feed> webhook_server::feed() const noexcept {
  return impl_->feed;
}

webhook_server_stats webhook_server::stats() const noexcept {
  const auto& i = *impl_;
  return {i.requests,  i.accepted,  i.duplicates, i.bad_signature,
          i.too_large, i.forbidden, i.bad_request};
}

}  // namespace paystack
