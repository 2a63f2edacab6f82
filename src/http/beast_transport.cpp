// The built-in transport (doc/adr/0003-transport.md). All state lives on one strand; each call
// is a coroutine: acquire a connection (idle, new, or wait for one), write, read with an idle
// timeout bounded by the deadline, then return the connection to the pool or close it.
#include "http/beast_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <deque>
#include <optional>
#include <paystack/error.hpp>
#include <unordered_set>
#include <vector>

namespace paystack::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

http::verb to_verb(http_method m) {
  switch (m) {
    case http_method::get:
      return http::verb::get;
    case http_method::post:
      return http::verb::post;
    case http_method::put:
      return http::verb::put;
  }
  return http::verb::get;
}

struct connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  connection(const asio::any_io_executor& ex, ssl::context* ctx) {
    // Beast reads as much as the buffer can take: 16 KiB makes a list page (~19 KB) two reads
    // instead of ~40 reads of 512 bytes.
    buffer.reserve(16 * 1024);
    if (ctx)
      tls.emplace(ex, *ctx);
    else
      plain.emplace(ex);
  }
  beast::tcp_stream& tcp_layer() { return tls ? tls->next_layer() : *plain; }

  // An idle connection is reusable when the peer has not closed it and sent nothing
  // unexpected (checked with a non-blocking peek, so a dead connection is replaced before
  // anything is sent on it).
  bool alive() {
    auto& sock = tcp_layer().socket();
    if (!sock.is_open()) return false;
    char byte;
    const auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    return false;  // 0: closed by the peer; > 0: stray bytes (or a TLS alert)
  }
  void close() {
    error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer().close();
  }
};

struct send_op {
  // Boost 1.81's any_completion_handler::operator=(&&) recurses forever (it re-wraps an
  // lvalue): handlers are only ever move-constructed, never move-assigned.
  send_op(const http_request& r, clock::time_point d, transport::handler_type h)
      : request(&r), deadline(d), handler(std::move(h)) {}

  const http_request* request = nullptr;
  clock::time_point deadline;
  transport::handler_type handler;
  asio::cancellation_slot slot;
  http_reply reply;
  bool cancelled = false;
  connection* conn = nullptr;             // in use by this op
  asio::steady_timer* waiting = nullptr;  // waiting for a free connection
  tcp::resolver* resolver = nullptr;
};

class beast_transport final : public transport,
                              public std::enable_shared_from_this<beast_transport> {
 public:
  beast_transport(asio::any_io_executor strand, endpoint ep, transport_settings settings,
                  std::optional<ssl::context> ctx)
      : strand_(std::move(strand)),
        ep_(std::move(ep)),
        settings_(std::move(settings)),
        ctx_(std::move(ctx)) {}

  void async_send(const http_request& request, clock::time_point deadline,
                  handler_type handler) override {
    auto op = std::make_shared<send_op>(request, deadline, std::move(handler));
    op->slot = asio::get_associated_cancellation_slot(op->handler);
    if (op->slot.is_connected()) {
      op->slot.assign(
          [weak = std::weak_ptr<send_op>(op), self = shared_from_this()](asio::cancellation_type) {
            asio::post(self->strand_, [weak, self] {
              if (auto o = weak.lock()) self->cancel(*o);
            });
          });
    }
    asio::co_spawn(strand_, run(shared_from_this(), std::move(op)), asio::detached);
  }

  void shutdown() noexcept override {
    try {
      asio::dispatch(strand_, [self = shared_from_this()] {
        self->stopping_ = true;
        for (auto& c : self->idle_) c->close();
        self->open_ -= self->idle_.size();
        self->idle_.clear();
        for (auto* op : self->active_) self->cancel(*op);
      });
    } catch (...) {
      // shutdown is best effort and must not throw (called from destructors).
    }
  }

 private:
  static asio::awaitable<void> run(std::shared_ptr<beast_transport> self,
                                   std::shared_ptr<send_op> op) {
    self->active_.insert(op.get());
    error_code ec = co_await self->perform(*op);
    self->active_.erase(op.get());
    if (ec && op->cancelled) ec = asio::error::operation_aborted;
    if (op->slot.is_connected()) op->slot.clear();
    auto ex = asio::get_associated_executor(op->handler, self->strand_);
    asio::dispatch(ex, [h = std::move(op->handler), ec, reply = std::move(op->reply)]() mutable {
      std::move(h)(ec, std::move(reply));
    });
  }

  void cancel(send_op& op) {
    op.cancelled = true;
    if (op.conn) op.conn->close();
    if (op.waiting) op.waiting->cancel();
    if (op.resolver) op.resolver->cancel();
  }

  /// A call waiting for a connection. The pool is first come, first served: a released
  /// connection, or a freed slot, goes to the oldest waiter directly, so a newer call can never
  /// overtake it.
  struct pool_waiter {
    asio::steady_timer timer;
    std::unique_ptr<connection> handed;  ///< a connection given by release()
    bool may_open = false;               ///< a slot given by free_slot(): open a connection in it
    bool queued = true;                  ///< still in waiters_
  };

  pool_waiter* pop_waiter() {
    auto* w = waiters_.front();
    waiters_.pop_front();
    w->queued = false;
    return w;
  }

  /// A connection slot became free: it goes to the oldest waiter, or back to the pool.
  void free_slot() {
    if (!stopping_ && !waiters_.empty()) {
      auto* w = pop_waiter();
      w->may_open = true;  // the slot changes hands; open_ stays as it is
      w->timer.cancel();
    } else {
      --open_;
    }
  }

  void discard(std::unique_ptr<connection> c) {
    if (!c) return;
    c->close();
    free_slot();
  }

  void release(std::unique_ptr<connection> c) {
    if (stopping_) return discard(std::move(c));
    if (!waiters_.empty()) {
      auto* w = pop_waiter();
      w->handed = std::move(c);
      w->timer.cancel();
      return;
    }
    idle_.push_back(std::move(c));
  }

  asio::awaitable<error_code> perform(send_op& op) {
    std::unique_ptr<connection> c;
    error_code ec = co_await acquire(op, c);
    if (ec) co_return ec;
    op.conn = c.get();
    bool keep = false;
    if (c->tls)
      ec = co_await exchange(*c->tls, *c, op, keep);
    else
      ec = co_await exchange(*c->plain, *c, op, keep);
    op.conn = nullptr;
    if (!ec && keep && !op.cancelled)
      release(std::move(c));
    else
      discard(std::move(c));
    co_return ec;
  }

  error_code fail(send_op& op, error_code ec, std::string detail) {
    op.reply.error_detail = std::move(detail);
    return ec;
  }

  asio::awaitable<error_code> acquire(send_op& op, std::unique_ptr<connection>& out) {
    for (;;) {
      if (stopping_ || op.cancelled)
        co_return fail(op, asio::error::operation_aborted, "cancelled before sending");
      if (waiters_.empty()) {  // nobody is ahead of this call
        while (!idle_.empty()) {
          auto c = std::move(idle_.back());
          idle_.pop_back();
          if (c->alive()) {
            out = std::move(c);
            co_return error_code{};
          }
          discard(std::move(c));  // broken idle connection: replaced, nothing was sent on it
        }
        if (open_ < settings_.max_connections) {
          ++open_;
          co_return co_await open_connection(op, out);
        }
      }
      pool_waiter w{asio::steady_timer(strand_, op.deadline)};
      waiters_.push_back(&w);
      op.waiting = &w.timer;
      co_await w.timer.async_wait(use_tuple);
      op.waiting = nullptr;
      if (w.queued) waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &w));
      const bool give_up = op.cancelled || stopping_;
      if (w.handed) {
        if (give_up) {
          release(std::move(w.handed));  // to the next waiter
        } else if (w.handed->alive()) {
          out = std::move(w.handed);
          co_return error_code{};
        } else {
          w.handed->close();  // broken while idle: its slot is this call's
          w.handed.reset();
          w.may_open = true;
        }
      }
      if (w.may_open) {
        if (give_up) {
          free_slot();
        } else {
          co_return co_await open_connection(op, out);
        }
      }
      if (give_up) co_return fail(op, asio::error::operation_aborted, "cancelled before sending");
      if (clock::now() >= op.deadline)
        co_return fail(op, error::timeout, "timed out waiting for a free connection");
    }
  }

  /// Opens a connection in a slot already counted in open_.
  asio::awaitable<error_code> open_connection(send_op& op, std::unique_ptr<connection>& out) {
    auto c = std::make_unique<connection>(strand_, ctx_ ? &*ctx_ : nullptr);
    op.conn = c.get();
    error_code ec = co_await connect(op, *c);
    op.conn = nullptr;
    if (ec) {
      discard(std::move(c));
      co_return ec;
    }
    out = std::move(c);
    co_return error_code{};
  }

  asio::awaitable<error_code> connect(send_op& op, connection& c) {
    const auto connect_deadline = std::min(op.deadline, clock::now() + settings_.connect_timeout);
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    auto literal = asio::ip::make_address(ep_.host, ec);
    if (!ec) {
      endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoul(ep_.port)));
    } else {
      tcp::resolver resolver(strand_);
      op.resolver = &resolver;
      asio::steady_timer guard(strand_, connect_deadline);
      bool timed_out = false;
      guard.async_wait([&resolver, &timed_out](error_code e) {
        if (!e) {
          timed_out = true;
          resolver.cancel();
        }
      });
      auto [rec, results] = co_await resolver.async_resolve(ep_.host, ep_.port, use_tuple);
      guard.cancel();
      op.resolver = nullptr;
      if (timed_out) co_return fail(op, error::timeout, "timed out resolving " + ep_.host);
      if (rec) co_return fail(op, rec, "could not resolve " + ep_.host + ": " + rec.message());
      for (const auto& r : results) endpoints.push_back(r.endpoint());
    }
    if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");

    auto& tcp_layer = c.tcp_layer();
    error_code cec = asio::error::host_not_found;
    for (const auto& e : endpoints) {
      tcp_layer.expires_at(connect_deadline);
      std::tie(cec) = co_await tcp_layer.async_connect(e, use_tuple);
      if (!cec || op.cancelled || cec == beast::error::timeout) break;
    }
    if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");
    if (cec == beast::error::timeout)
      co_return fail(op, error::timeout, "timed out connecting to " + ep_.host_header);
    if (cec)
      co_return fail(op, error::connection_failed,
                     "could not connect to " + ep_.host_header + ": " + cec.message());
    tcp_layer.socket().set_option(tcp::no_delay(true), ec);

    if (c.tls) {
      SSL* ssl_handle = c.tls->native_handle();
      error_code addr_ec;
      asio::ip::make_address(ep_.host, addr_ec);
      if (addr_ec) {
        // Host name: SNI and RFC 6125 name check by OpenSSL.
        SSL_set_tlsext_host_name(ssl_handle, ep_.host.c_str());
        SSL_set1_host(ssl_handle, ep_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), ep_.host.c_str());
      }
      tcp_layer.expires_at(connect_deadline);
      auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, use_tuple);
      if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");
      if (hec == beast::error::timeout)
        co_return fail(op, error::timeout, "timed out in the TLS handshake");
      if (hec) {
        std::string why = hec.message();
        const long verify = SSL_get_verify_result(ssl_handle);
        if (verify != X509_V_OK) why = X509_verify_cert_error_string(verify);
        co_return fail(op, error::tls_failed, "TLS with " + ep_.host_header + " failed: " + why);
      }
    }
    co_return error_code{};
  }

  error_code map_io_error(send_op& op, error_code ec, bool reading) {
    if (op.cancelled || ec == asio::error::operation_aborted)
      return fail(op, asio::error::operation_aborted, "cancelled");
    if (ec == beast::error::timeout) {
      if (clock::now() >= op.deadline) return fail(op, error::timeout, "deadline passed");
      return fail(op, error::timeout, "no data from the server within the idle read timeout");
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit ||
        ec == http::error::buffer_overflow)
      return fail(op, error::response_too_large, "reply exceeds the size limit: " + ec.message());
    if (ec.category() == make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return fail(op, error::bad_response, "malformed HTTP reply: " + ec.message());
    return fail(op, error::connection_failed,
                std::string(reading ? "connection broke while reading the reply: "
                                    : "connection broke while sending the request: ") +
                    ec.message());
  }

  template <class Stream>
  asio::awaitable<error_code> exchange(Stream& stream, connection& c, send_op& op, bool& keep) {
    const http_request& in = *op.request;
    http::request<http::string_body> req{to_verb(in.method), in.target, 11};
    req.set(http::field::host, ep_.host_header);
    for (const auto& [name, value] : in.headers) req.set(name, value);
    req.keep_alive(true);
    if (!in.body.empty() || in.method != http_method::get) {
      req.body() = in.body;
      req.prepare_payload();
    }

    auto& tcp_layer = c.tcp_layer();
    tcp_layer.expires_at(op.deadline);
    op.reply.request_sent = true;
    auto [wec, written] = co_await http::async_write(stream, req, use_tuple);
    if (wec) co_return map_io_error(op, wec, false);

    http::response_parser<http::string_body> parser;
    parser.body_limit(settings_.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
    while (!parser.is_done()) {
      tcp_layer.expires_at(std::min(op.deadline, clock::now() + settings_.idle_read_timeout));
      auto [rec, n] = co_await http::async_read_some(stream, c.buffer, parser, use_tuple);
      if (n > 0 || c.buffer.size() > 0) op.reply.reply_started = true;
      if (rec) co_return map_io_error(op, rec, true);
    }
    auto msg = parser.release();
    op.reply.status_code = msg.result_int();
    // Only the headers the library reads are kept (an allow-list: Date, Server, cookies and
    // the like cost copies on every call and are never looked at).
    op.reply.headers.reserve(4);
    for (const auto& f : msg) {
      const auto name = f.name_string();
      if (beast::iequals(name, "content-type") || beast::iequals(name, "retry-after") ||
          (name.size() > 12 && beast::iequals(name.substr(0, 12), "x-ratelimit-"))) {
        op.reply.headers.emplace_back(std::string(name), std::string(f.value()));
      }
    }
    op.reply.body = std::move(msg.body());
    keep = msg.keep_alive();
    co_return error_code{};
  }

  asio::any_io_executor strand_;
  endpoint ep_;
  transport_settings settings_;
  std::optional<ssl::context> ctx_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;
  std::deque<pool_waiter*> waiters_;  // oldest first
  std::unordered_set<send_op*> active_;
  bool stopping_ = false;
};

}  // namespace

std::shared_ptr<transport> make_beast_transport(asio::any_io_executor strand, endpoint ep,
                                                transport_settings settings, error_code& ec,
                                                std::string& detail) {
  std::optional<ssl::context> ctx;
  if (ep.tls) {
    ctx.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    if (settings.ca_file.empty())
      ctx->set_default_verify_paths(ec);
    else
      ctx->load_verify_file(settings.ca_file, ec);
    if (ec) {
      detail = settings.ca_file.empty() ? "could not load the system CA store"
                                        : "could not load CA file " + settings.ca_file;
      return nullptr;
    }
  }
  return std::make_shared<beast_transport>(std::move(strand), std::move(ep), std::move(settings),
                                           std::move(ctx));
}

}  // namespace paystack::detail
