// The built-in transport (doc/adr/0003-transport.md). All state lives on one strand. A call is a
// small state machine (send_op) driven by completion handlers: acquire a connection (idle, new,
// or wait for one in arrival order), write the request rendered into one buffer, read and parse
// the reply with reply_parser, then return the connection to the pool or close it. Only
// connecting (resolve, connect, TLS handshake) is a coroutine: it happens once per connection.
//
// Hot-path costs were measured (doc/performance.md): no coroutine frames, no per-call header
// strings, one lazily re-armed watchdog timer instead of one timer per read and write.
#include "http/builtin_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/intrusive/list.hpp>
#include <cerrno>
#include <charconv>
#include <deque>
#include <optional>
#include <paystack/error.hpp>
#include <vector>

#include "http/reply_parser.hpp"
#include "http/strand.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace bi = boost::intrusive;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// A GET on a connection used less than this long ago is sent without probing the connection
/// first (one system call saved per call under load); if the server had closed it, the GET is
/// replayed once on a new connection. Other methods are always probed.
constexpr auto unchecked_reuse_window = std::chrono::seconds(1);

std::string_view verb_text(http_method m) {
  switch (m) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::delete_:
      return "DELETE";
  }
  return "GET";
}

enum class phase { resolving, connecting, handshaking, writing, reading };

struct send_op;

/// One keep-alive connection.
struct connection {
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  beast::flat_buffer in;  ///< reply bytes read but not yet parsed
  std::string out;        ///< the request being written (reused: no allocation per call)
  send_op* op = nullptr;  ///< the call using this connection
  clock::time_point last_progress{};  ///< last byte read (idle read timeout)
  clock::time_point last_used{};      ///< when the last reply was complete

  connection(const asio::any_io_executor& ex, ssl::context* ctx) {
    in.reserve(16 * 1024);  // a list page (~19 KB) in two reads instead of ~40 of 512 bytes
    if (ctx)
      tls.emplace(ex, *ctx);
    else
      plain.emplace(ex);
  }
  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

  /// An idle connection is reusable when the peer has not closed it and sent nothing
  /// unexpected (a non-blocking peek: a dead connection is replaced before anything is sent).
  bool probe() {
    auto& sock = socket();
    if (!sock.is_open()) return false;
    char byte;
    const auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    return false;  // 0: closed by the peer; > 0: stray bytes (or a TLS alert)
  }
  void close() {
    error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }
};
using connection_ptr = std::shared_ptr<connection>;

using active_hook = bi::list_base_hook<bi::link_mode<bi::auto_unlink>>;

struct send_op : active_hook {
  // Boost 1.81's any_completion_handler::operator=(&&) recurses forever (it re-wraps an
  // lvalue): handlers are only ever move-constructed, never move-assigned.
  send_op(const http_request& r, clock::time_point d, transport::handler_type h)
      : request(&r), deadline(d), handler(std::move(h)) {}

  const http_request* request = nullptr;
  clock::time_point deadline;
  transport::handler_type handler;
  asio::cancellation_slot slot;
  http_reply reply;
  connection_ptr conn;  ///< connecting or exchanging on it
  std::optional<reply_parser> parser;
  phase step = phase::connecting;
  clock::time_point step_deadline;  ///< connect steps: min(deadline, now + connect_timeout)
  bool cancelled = false;
  bool timed_out = false;  ///< the watchdog closed the connection
  bool replayed = false;   ///< a GET already replayed after an unchecked reuse
  bool unchecked = false;  ///< sent on a reused connection without probing it
  // Waiting for a connection (the pool is first come, first served).
  std::optional<asio::steady_timer> wait;
  connection_ptr handed;  ///< a connection given by release()
  bool may_open = false;  ///< a slot given by free_slot(): open a connection in it
  bool queued = false;    ///< in waiters_
  tcp::resolver* resolver = nullptr;
};
using op_ptr = std::shared_ptr<send_op>;

class builtin_transport final : public transport,
                                public std::enable_shared_from_this<builtin_transport> {
 public:
  builtin_transport(asio::any_io_executor strand, endpoint ep, transport_settings settings,
                    std::optional<ssl::context> ctx)
      : strand_(std::move(strand)),
        ep_(std::move(ep)),
        settings_(std::move(settings)),
        ctx_(std::move(ctx)),
        watchdog_(strand_) {
    fixed_head_ = "Host: " + ep_.host_header + "\r\n";
  }

  ~builtin_transport() override {
    for (auto& c : idle_) c->close();
  }

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
    if (running_in(strand_)) {  // the client's own calls: no hand-over needed
      active_.push_back(*op);
      return acquire(std::move(op));
    }
    asio::dispatch(strand_, [self = shared_from_this(), op = std::move(op)]() mutable {
      self->active_.push_back(*op);
      self->acquire(std::move(op));
    });
  }

  void shutdown() noexcept override {
    try {
      asio::dispatch(strand_, [self = shared_from_this()] {
        self->stopping_ = true;
        for (auto& c : self->idle_) c->close();
        self->open_ -= self->idle_.size();
        self->idle_.clear();
        std::vector<send_op*> ops;
        for (auto& op : self->active_) ops.push_back(&op);
        for (auto* op : ops) self->cancel(*op);
      });
    } catch (...) {
      // shutdown is best effort and must not throw (called from destructors).
    }
  }

 private:
  // ---- completion -------------------------------------------------------------------------

  void complete(const op_ptr& op, error_code ec) {
    op->unlink();
    if (active_.empty() && watchdog_set_) {
      watchdog_set_ = false;
      watchdog_.cancel();
    }
    if (ec && op->cancelled) ec = asio::error::operation_aborted;
    if (op->slot.is_connected()) op->slot.clear();
    with_strand(strand_, [&](const auto& candidate) {
      auto ex = asio::get_associated_executor(op->handler, candidate);
      asio::dispatch(ex, [h = std::move(op->handler), ec, reply = std::move(op->reply)]() mutable {
        std::move(h)(ec, std::move(reply));
      });
    });
  }

  error_code fail(send_op& op, error_code ec, std::string detail) {
    op.reply.error_detail = std::move(detail);
    return ec;
  }

  void cancel(send_op& op) {
    op.cancelled = true;
    if (op.conn) op.conn->close();
    if (op.wait) op.wait->cancel();
    if (op.resolver) op.resolver->cancel();
  }

  // ---- the pool ---------------------------------------------------------------------------

  send_op* pop_waiter() {
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
      w->wait->cancel();
    } else {
      --open_;
    }
  }

  void discard(connection_ptr c) {
    if (!c) return;
    c->op = nullptr;
    c->close();
    free_slot();
  }

  void release(connection_ptr c) {
    c->op = nullptr;
    if (stopping_) return discard(std::move(c));
    if (!waiters_.empty()) {
      auto* w = pop_waiter();
      w->handed = std::move(c);
      w->wait->cancel();
      return;
    }
    idle_.push_back(std::move(c));
  }

  /// Whether `c` (idle, or just handed over) can carry `op`'s request without a new connection.
  bool reusable(connection& c, send_op& op, clock::time_point now) {
    if (!c.socket().is_open() || c.in.size() > 0) return false;
    if (op.request->method == http_method::get && !op.replayed &&
        now - c.last_used < unchecked_reuse_window) {
      op.unchecked = true;
      return true;
    }
    op.unchecked = false;
    return c.probe();
  }

  void acquire(op_ptr op) {
    if (stopping_ || op->cancelled)
      return complete(op, fail(*op, asio::error::operation_aborted, "cancelled before sending"));
    if (waiters_.empty()) {  // nobody is ahead of this call
      const auto now = clock::now();
      while (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        if (reusable(*c, *op, now)) return start_exchange(std::move(op), std::move(c), now);
        discard(std::move(c));  // broken idle connection: replaced, nothing was sent on it
      }
      if (open_ < settings_.max_connections) {
        ++open_;
        return open_connection(std::move(op));
      }
    }
    op->wait.emplace(strand_, op->deadline);
    waiters_.push_back(op.get());
    op->queued = true;
    auto& timer = *op->wait;
    timer.async_wait([self = shared_from_this(), op = std::move(op)](error_code) mutable {
      self->on_waited(std::move(op));
    });
  }

  void on_waited(op_ptr op) {
    op->wait.reset();
    if (op->queued) {
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), op.get()));
      op->queued = false;
    }
    // Past the deadline, a connection handed over at the last moment is not used: nothing
    // may be sent for a call that has already timed out.
    const auto now = clock::now();
    const bool expired = now >= op->deadline;
    const bool give_up = op->cancelled || stopping_ || expired;
    if (auto c = std::move(op->handed)) {
      if (give_up) {
        release(std::move(c));  // to the next waiter
      } else if (reusable(*c, *op, now)) {
        return start_exchange(std::move(op), std::move(c), now);
      } else {
        c->close();  // broken while idle: its slot is this call's
        op->may_open = true;
      }
    }
    if (std::exchange(op->may_open, false)) {
      if (!give_up) return open_connection(std::move(op));
      free_slot();
    }
    if (op->cancelled || stopping_)
      return complete(op, fail(*op, asio::error::operation_aborted, "cancelled before sending"));
    if (expired)
      return complete(op, fail(*op, error::timeout, "timed out waiting for a free connection"));
    acquire(std::move(op));
  }

  // ---- the watchdog ----------------------------------------------------------------------
  // One timer for every call that is using a connection. It is armed for the earliest limit
  // seen and moved only when a call needs an earlier one; when it fires it checks every such
  // call's real limit (the deadline, the idle read timeout), closes the connections of those
  // past it, and arms itself for the next one. With uniform timeouts that is one timer
  // operation per idle_read_timeout instead of one per read and write; it is cancelled when no
  // call is left, so that io_context::run() returns.

  /// When the call's current step must end.
  clock::time_point limit_of(const send_op& op) const {
    switch (op.step) {
      case phase::resolving:
      case phase::connecting:
      case phase::handshaking:
        return op.step_deadline;
      case phase::writing:
        return op.deadline;
      case phase::reading:
        return std::min(op.deadline, op.conn->last_progress + settings_.idle_read_timeout);
    }
    return op.deadline;
  }

  /// Makes sure the watchdog fires no later than op's limit.
  void watch(const send_op& op) { arm_watchdog(limit_of(op)); }

  void arm_watchdog(clock::time_point limit) {
    if (watchdog_set_ && watchdog_expiry_ <= limit) return;  // fires earlier and re-checks
    watchdog_set_ = true;
    watchdog_expiry_ = limit;
    watchdog_.expires_at(limit);
    watchdog_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec == asio::error::operation_aborted) return;  // moved, or no call left
      if (auto self = weak.lock()) self->on_watchdog();
    });
  }

  void on_watchdog() {
    watchdog_set_ = false;
    const auto now = clock::now();
    auto next = clock::time_point::max();
    for (auto& op : active_) {
      if (!op.conn || op.conn->op != &op) continue;  // waiting: its own timer guards it
      const auto limit = limit_of(op);
      if (now >= limit) {
        op.timed_out = true;
        op.conn->close();  // the pending read, write or connect ends with an error
      } else {
        next = std::min(next, limit);
      }
    }
    if (next != clock::time_point::max()) arm_watchdog(next);
  }

  // ---- connecting -------------------------------------------------------------------------

  /// Opens a connection in a slot already counted in open_, then sends op's request on it.
  void open_connection(op_ptr op) {
    auto c = std::make_shared<connection>(strand_, ctx_ ? &*ctx_ : nullptr);
    op->conn = c;
    c->op = op.get();
    asio::co_spawn(strand_, connect(op, c),
                   [self = shared_from_this(), op, c](std::exception_ptr e, error_code ec) {
                     if (e && !ec) {
                       ec = self->fail(*op, error::connection_failed,
                                       "internal error while connecting");
                     }
                     op->conn.reset();
                     if (ec) {
                       self->discard(c);
                       return self->complete(op, ec);
                     }
                     self->start_exchange(op, c, clock::now());
                   });
  }

  asio::awaitable<error_code> connect(op_ptr op_holder, connection_ptr conn) {
    send_op& op = *op_holder;
    connection& c = *conn;
    op.step_deadline = std::min(op.deadline, clock::now() + settings_.connect_timeout);
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    auto literal = asio::ip::make_address(ep_.host, ec);
    if (!ec) {
      endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoul(ep_.port)));
    } else {
      op.step = phase::resolving;
      // Shared with the guard's handler: it may run after this frame is gone (the guard can
      // expire just as the resolve completes).
      auto resolver = std::make_shared<tcp::resolver>(strand_);
      auto timed_out = std::make_shared<bool>(false);
      op.resolver = resolver.get();
      asio::steady_timer guard(strand_, op.step_deadline);
      guard.async_wait([resolver, timed_out](error_code e) {
        if (!e) {
          *timed_out = true;
          resolver->cancel();
        }
      });
      auto [rec, results] = co_await resolver->async_resolve(ep_.host, ep_.port, use_tuple);
      guard.cancel();
      op.resolver = nullptr;
      if (*timed_out) co_return fail(op, error::timeout, "timed out resolving " + ep_.host);
      if (rec) co_return fail(op, rec, "could not resolve " + ep_.host + ": " + rec.message());
      for (const auto& r : results) endpoints.push_back(r.endpoint());
    }
    if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");

    op.step = phase::connecting;
    watch(op);
    error_code cec = asio::error::host_not_found;
    bool first = true;
    for (const auto& e : endpoints) {
      error_code ignored;
      if (!std::exchange(first, false)) c.socket().close(ignored);
      std::tie(cec) = co_await c.socket().async_connect(e, use_tuple);
      if (!cec || op.cancelled || op.timed_out) break;
    }
    if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");
    if (op.timed_out)
      co_return fail(op, error::timeout, "timed out connecting to " + ep_.host_header);
    if (cec)
      co_return fail(op, error::connection_failed,
                     "could not connect to " + ep_.host_header + ": " + cec.message());
    c.socket().set_option(tcp::no_delay(true), ec);
    if (!c.tls) co_return error_code{};
    auto hec = co_await handshake(op, c);
    co_return hec;
  }

  /// The TLS handshake of a connected socket: SNI and the name (or address) check set, then
  /// the handshake within the step's deadline.
  asio::awaitable<error_code> handshake(send_op& op, connection& c) {
    SSL* ssl_handle = c.tls->native_handle();
    error_code addr_ec;
    asio::ip::make_address(ep_.host, addr_ec);
    if (addr_ec) {
      // Host name: SNI and RFC 6125 name check by OpenSSL, on subjectAltName only (a
      // certificate naming the host in its CN alone is refused, as browsers do).
      SSL_set_tlsext_host_name(ssl_handle, ep_.host.c_str());
      SSL_set_hostflags(ssl_handle, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
      SSL_set1_host(ssl_handle, ep_.host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), ep_.host.c_str());
    }
    op.step = phase::handshaking;
    auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (op.cancelled) co_return fail(op, asio::error::operation_aborted, "cancelled");
    if (op.timed_out) co_return fail(op, error::timeout, "timed out in the TLS handshake");
    if (hec) {
      const long verify = SSL_get_verify_result(ssl_handle);
      // A connection that breaks during the handshake is a connection failure (retryable);
      // only a refused certificate or protocol is a TLS failure.
      if (verify == X509_V_OK && hec.category() != asio::error::get_ssl_category())
        co_return fail(op, error::connection_failed,
                       "connection to " + ep_.host_header +
                           " broke during the TLS handshake: " + hec.message());
      std::string why = hec.message();
      if (verify != X509_V_OK) why = X509_verify_cert_error_string(verify);
      co_return fail(op, error::tls_failed, "TLS with " + ep_.host_header + " failed: " + why);
    }
    co_return error_code{};
  }

  // ---- one exchange -----------------------------------------------------------------------

  /// The request as it goes on the wire: request line, Host (rendered once), the request's own
  /// headers (Authorization, User-Agent, Accept from client_core::make_request), Content-Length,
  /// body.
  void render(const http_request& r, std::string& out) const {
    out.clear();
    out += verb_text(r.method);
    out += ' ';
    out += r.target;
    out += " HTTP/1.1\r\n";
    out += fixed_head_;
    for (const auto& [name, value] : r.headers) {
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
    if (!r.body.empty() || r.method != http_method::get) {
      char digits[24];
      auto res = std::to_chars(digits, digits + sizeof digits, r.body.size());
      out += "Content-Length: ";
      out.append(digits, res.ptr);
      out += "\r\n";
    }
    out += "\r\n";
    out += r.body;
  }

  template <class Buffers, class Handler>
  void async_write_to(connection& c, const Buffers& b, Handler&& h) {
    if (c.tls)
      asio::async_write(*c.tls, b, std::forward<Handler>(h));
    else
      asio::async_write(*c.plain, b, std::forward<Handler>(h));
  }

  template <class Buffers, class Handler>
  void async_read_from(connection& c, const Buffers& b, Handler&& h) {
    if (c.tls)
      c.tls->async_read_some(b, std::forward<Handler>(h));
    else
      c.plain->async_read_some(b, std::forward<Handler>(h));
  }

  /// `now`: a moment ago (the idle read timeout counts from the write).
  void start_exchange(op_ptr op, connection_ptr c, clock::time_point now) {
    op->conn = c;
    c->op = op.get();
    c->last_progress = now;
    render(*op->request, c->out);
    op->step = phase::writing;
    op->reply.request_sent = true;
    watch(*op);
    async_write_to(
        *c, asio::buffer(c->out),
        [self = shared_from_this(), op = std::move(op)](error_code ec, std::size_t) mutable {
          self->on_written(std::move(op), ec);
        });
  }

  void on_written(op_ptr op, error_code ec) {
    if (ec) {
      auto failure = io_error(*op, ec, false);  // before op is moved from
      return finish(std::move(op), std::move(failure));
    }
    op->step = phase::reading;
    op->parser.emplace(op->reply, settings_.max_header_bytes, settings_.max_body_bytes);
    watch(*op);
    parse_or_read(std::move(op));
  }

  /// Parses what is buffered; reads more when the reply is not complete.
  void parse_or_read(op_ptr op) {
    auto& c = *op->conn;
    if (c.in.size() > 0) {
      const auto data = c.in.data();
      std::size_t used = 0;
      error_code ec;
      const auto r =
          op->parser->put(std::string_view(static_cast<const char*>(data.data()), data.size()),
                          used, ec, op->reply.error_detail);
      c.in.consume(used);
      if (r == reply_parser::result::failed) return finish(std::move(op), ec);
      if (r == reply_parser::result::done) return finish(std::move(op), {});
    }
    const auto room = std::max<std::size_t>(c.in.capacity() - c.in.size(), 4096);
    async_read_from(
        c, c.in.prepare(room),
        [self = shared_from_this(), op = std::move(op)](error_code ec, std::size_t n) mutable {
          self->on_read(std::move(op), ec, n);
        });
  }

  void on_read(op_ptr op, error_code ec, std::size_t n) {
    auto& c = *op->conn;
    c.in.commit(n);
    if (n > 0) {
      op->reply.reply_started = true;
      c.last_progress = clock::now();
    }
    if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
      if (!op->reply.reply_started) {
        if (replay(op, ec)) return;
        auto failure = io_error(*op, ec, true, "end of stream");  // before op is moved from
        return finish(std::move(op), std::move(failure));
      }
      if (op->parser->put_eof()) return finish(std::move(op), {});
      auto failure = io_error(*op, ec, true, "partial message");  // before op is moved from
      return finish(std::move(op), std::move(failure));
    }
    if (ec) {
      if (ec == asio::error::connection_reset && replay(op, ec)) return;
      auto failure = io_error(*op, ec, true);  // before op is moved from
      return finish(std::move(op), std::move(failure));
    }
    parse_or_read(std::move(op));
  }

  /// A GET sent on a reused connection without probing it, answered by nothing but a close:
  /// the server had closed the connection, the request was not processed. It goes once more on
  /// a new connection, invisibly to the retry layer.
  bool replay(const op_ptr& op, error_code) {
    if (!op->unchecked || op->replayed || op->reply.reply_started || op->cancelled ||
        op->timed_out || stopping_)
      return false;
    op->replayed = true;
    op->unchecked = false;
    op->parser.reset();
    op->reply = http_reply{};
    auto c = std::move(op->conn);
    discard(std::move(c));
    acquire(op);
    return true;
  }

  void finish(op_ptr op, error_code ec) {
    auto c = std::move(op->conn);
    const bool keep = !ec && op->parser && op->parser->keep_alive() && !op->cancelled;
    op->parser.reset();
    if (keep && c->in.size() == 0) {
      c->last_used = c->last_progress;  // the reply's last byte
      release(std::move(c));
    } else {
      discard(std::move(c));
    }
    complete(op, ec);
  }

  /// `what` replaces the error's own message (e.g. "end of stream" for a close).
  error_code io_error(send_op& op, error_code ec, bool reading, std::string_view what = {}) {
    if (op.cancelled) return fail(op, asio::error::operation_aborted, "cancelled");
    if (op.timed_out) {
      if (clock::now() >= op.deadline) return fail(op, error::timeout, "deadline passed");
      return fail(op, error::timeout, "no data from the server within the idle read timeout");
    }
    if (ec == asio::error::operation_aborted)
      return fail(op, asio::error::operation_aborted, "cancelled");
    return fail(op, error::connection_failed,
                std::string(reading ? "connection broke while reading the reply: "
                                    : "connection broke while sending the request: ") +
                    (what.empty() ? ec.message() : std::string(what)));
  }

  asio::any_io_executor strand_;
  endpoint ep_;
  transport_settings settings_;
  std::optional<ssl::context> ctx_;
  std::string fixed_head_;
  asio::steady_timer watchdog_;
  bool watchdog_set_ = false;
  clock::time_point watchdog_expiry_;
  std::vector<connection_ptr> idle_;
  std::size_t open_ = 0;
  std::deque<send_op*> waiters_;  // oldest first
  bi::list<send_op, bi::constant_time_size<false>> active_;
  bool stopping_ = false;
};

}  // namespace

std::shared_ptr<transport> make_builtin_transport(asio::any_io_executor strand, endpoint ep,
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
  return std::make_shared<builtin_transport>(std::move(strand), std::move(ep), std::move(settings),
                                             std::move(ctx));
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
