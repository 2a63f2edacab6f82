// HTTP/1.1 server of paystack-sim: Beast parser, hand-written responses (so that faults such as
// truncation and trickling are simple), one coroutine per connection on one io_context thread.
#include "http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <iterator>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "util.hpp"

namespace paystack::sim::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using parser_t = http::request_parser<http::string_body>;

void configure(parser_t& p, const server_options& o) {
  p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(o.max_header_bytes, UINT32_MAX)));
  p.body_limit(o.max_body_bytes);
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more;
}

http_response plain_error(unsigned status, std::string_view message) {
  http_response r;
  r.status = status;
  r.body = R"({"status":false,"message":")" + std::string(message) + R"("})";
  return r;
}

/// Response to a request that could not be read, if one should be sent.
std::optional<http_response> read_error_response(const beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return plain_error(431, "Request header fields too large");
  }
  if (ec == http::error::body_limit) return plain_error(413, "Request body too large");
  if (is_http_parse_error(ec)) return plain_error(400, "Malformed HTTP request");
  return std::nullopt;
}

std::size_t header_count(const parser_t& p) {
  const auto& m = p.get();
  return static_cast<std::size_t>(std::distance(m.begin(), m.end()));
}

/// The answer to a request with more header fields than `o` allows, if it has more.
std::optional<http_response> too_many_headers(const parser_t& p, const server_options& o) {
  if (header_count(p) <= o.max_header_count) return std::nullopt;
  return plain_error(431, "Too many header fields");
}

http_request to_request(const http::request<http::string_body>& m) {
  http_request r;
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  r.authorization = std::string(m[http::field::authorization]);
  r.content_type = std::string(m[http::field::content_type]);
  r.body = m.body();
  return r;
}

}  // namespace

std::string serialize_response(const http_response& r, bool keep_alive) {
  std::string out;
  out.reserve(r.body.size() + 160);
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\nContent-Type: ";
  out += r.content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(r.body.size());
  out += "\r\n";
  for (const auto& [k, v] : r.headers) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  out += r.body;
  return out;
}

std::string serialize_stream_head(const http_response& r) {
  // No Content-Length: the body (server-sent events) runs until the connection closes.
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + ' ' +
                    std::string(reason_phrase(r.status)) + "\r\nContent-Type: " + r.content_type +
                    "\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += r.body;
  return out;
}

fault_plan fault_for(engine& eng, const http_message& msg) {
  return eng.take_fault(msg["x-sim-fault"], msg["x-sim-fault-id"]);
}

reply respond(engine& eng, const http_message& msg, const fault_plan& plan) {
  reply r;
  r.response = eng.handle(to_request(msg), plan);
  r.reset = plan.reset == reset_mode::after_read;
  r.truncate = plan.truncate;
  r.keep_alive = msg.keep_alive() && !plan.truncate;
  return r;
}

std::string wire_form(const reply& r, bool keep_alive) {
  auto raw = serialize_response(r.response, keep_alive);
  if (r.truncate) raw.resize(raw.size() - r.response.body.size() + r.response.body.size() / 2);
  return raw;
}

// ---------------------------------------------------------------------------------------------

class http_server::impl {
 public:
  impl(engine& e, const server_options& o) : engine_(e), options_(o) {
    ioc_.emplace(1);
    acceptor_.emplace(*ioc_);
    force_timer_.emplace(*ioc_);
  }

  ~impl() {
    stop();
    // Asio objects first, then the io_context (which destroys any coroutine frame left over
    // after a forced stop; their guards only touch sessions_, still alive here).
    force_timer_.reset();
    acceptor_.reset();
    ioc_.reset();
  }

  std::uint16_t start() {
    auto address = asio::ip::make_address(options_.bind_address);
    tcp::endpoint ep(address, options_.port);
    acceptor_->open(ep.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    auto port = acceptor_->local_endpoint().port();
    asio::co_spawn(*ioc_, accept_loop(), asio::detached);
    started_ = true;
    thread_ = std::thread([this] {
      for (;;) {
        try {
          ioc_->run();
          return;
        } catch (...) {
          // A handler threw: keep serving (sessions catch their own exceptions).
        }
      }
    });
    return port;
  }

  void stop() noexcept {
    if (!started_ || stopped_) return;
    stopped_ = true;
    asio::post(*ioc_, [this] { begin_shutdown(); });
    if (thread_.joinable()) thread_.join();
  }

 private:
  void begin_shutdown() {
    stopping_ = true;
    beast::error_code ec;
    acceptor_->close(ec);
    for (auto& [id, s] : sessions_) {
      if (s.idle) s.stream->socket().close(ec);
    }
    if (!sessions_.empty()) {
      force_timer_->expires_after(std::chrono::seconds{2});
      force_timer_->async_wait([this](const beast::error_code& e) {
        if (!e) ioc_->stop();
      });
    }
  }

  void session_ended() {
    if (stopping_ && sessions_.empty()) force_timer_->cancel();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(*ioc_);
      co_await acceptor_->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_ || !acceptor_->is_open()) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // EMFILE and friends: back off a little instead of spinning.
        asio::steady_timer t(*ioc_, std::chrono::milliseconds{20});
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      auto& counters = engine_.counters();
      if (sessions_.size() >= options_.max_connections) {
        ++counters.connections_refused;
        socket.close(ec);
        continue;
      }
      auto source = socket.remote_endpoint(ec).address();
      if (ec) {
        socket.close(ec);
        continue;
      }
      // Counted here, not in the session, so that a burst of accepts sees every earlier one.
      auto& held = per_source_[source];
      if (held >= options_.max_connections_per_source) {
        ++counters.connections_refused_per_source;
        if (held == 0) per_source_.erase(source);
        socket.close(ec);
        continue;
      }
      ++held;
      socket.set_option(tcp::no_delay(true), ec);
      auto id = next_session_++;
      asio::co_spawn(*ioc_, session(std::move(socket), id, source), asio::detached);
    }
  }

  void release_source(const asio::ip::address& source) {
    auto it = per_source_.find(source);
    if (it != per_source_.end() && --it->second == 0) per_source_.erase(it);
  }

  asio::awaitable<void> session(tcp::socket socket, std::uint64_t id, asio::ip::address source) {
    beast::tcp_stream stream(std::move(socket));
    sessions_[id] = session_entry{&stream, true};
    ++engine_.counters().connections_open;
    struct guard {
      impl* self;
      std::uint64_t id;
      asio::ip::address source;
      ~guard() {
        self->sessions_.erase(id);
        self->release_source(source);
        --self->engine_.counters().connections_open;
        self->session_ended();
      }
    } g{this, id, source};
    try {
      co_await serve(stream, id);
    } catch (...) {
      // Never let one connection take the server down.
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
  }

  void set_idle(std::uint64_t id, bool idle) {
    auto it = sessions_.find(id);
    if (it != sessions_.end()) it->second.idle = idle;
  }

  static void hard_reset(beast::tcp_stream& stream) {
    beast::error_code ec;
    stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
    stream.socket().close(ec);
  }

  asio::awaitable<void> write_all(beast::tcp_stream& stream, std::string_view data,
                                  beast::error_code& ec) {
    stream.expires_after(options_.read_timeout);
    co_await asio::async_write(stream, asio::buffer(data.data(), data.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  }

  /// GET /_sim/ui/stream: the head and first frame, then a frame whenever the page's view
  /// changes (looked at every stream_tick), a comment after stream_quiet without one; until a
  /// write fails or the server stops. Idle between frames, so a shutdown closes it at once.
  asio::awaitable<void> stream_events(beast::tcp_stream& stream, std::uint64_t id,
                                      const http_response& first, asio::steady_timer& timer) {
    constexpr std::chrono::milliseconds stream_tick{200};
    constexpr std::chrono::seconds stream_quiet{15};
    beast::error_code ec;
    co_await write_all(stream, serialize_stream_head(first), ec);
    if (ec) co_return;
    auto at = first.body.find("data: ");
    std::string last = at == std::string::npos ? std::string() : first.body.substr(at);
    auto written = std::chrono::steady_clock::now();
    while (!stopping_) {
      set_idle(id, true);
      timer.expires_after(stream_tick);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      set_idle(id, false);
      if (stopping_) co_return;
      auto frame = engine_.ui_frame();
      const auto now = std::chrono::steady_clock::now();
      if (frame == last) {
        if (now - written < stream_quiet) continue;
        frame = ": still here\n\n";
      } else {
        last = frame;
      }
      written = now;
      co_await write_all(stream, frame, ec);
      if (ec) co_return;
    }
  }

  /// Answers a request that could not be read, when it deserves an answer (see
  /// read_error_response), before the connection closes.
  asio::awaitable<void> refuse_unread(beast::tcp_stream& stream, beast::error_code ec) {
    if (auto r = read_error_response(ec))
      co_await write_all(stream, serialize_response(*r, false), ec);
  }

  /// Reads one request into `parser`: its head (idle until it starts), its fault plan into
  /// `plan`, then its body (after `100 Continue` when the client expects it). False when the
  /// connection is done: closed, refused with an answer, or reset before reading as planned.
  asio::awaitable<bool> read_request(beast::tcp_stream& stream, std::uint64_t id,
                                     beast::flat_buffer& buffer, parser_t& parser,
                                     fault_plan& plan) {
    beast::error_code ec;
    set_idle(id, true);
    stream.expires_after(options_.idle_timeout);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    set_idle(id, false);
    if (ec) {
      co_await refuse_unread(stream, ec);
      co_return false;
    }
    if (auto refusal = too_many_headers(parser, options_)) {
      co_await write_all(stream, serialize_response(*refusal, false), ec);
      co_return false;
    }
    const auto& msg = parser.get();
    plan = fault_for(engine_, msg);
    if (plan.reset == reset_mode::before_read) {
      hard_reset(stream);
      co_return false;
    }
    if (parser.is_done()) co_return true;
    if (iequals(msg[http::field::expect], "100-continue")) {
      co_await write_all(stream, "HTTP/1.1 100 Continue\r\n\r\n", ec);
      if (ec) co_return false;
    }
    stream.expires_after(options_.read_timeout);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_await refuse_unread(stream, ec);
      co_return false;
    }
    co_return true;
  }

  /// Writes `raw` whole, or `trickle` apart in chunks of 16 bytes when `trickle` is set.
  asio::awaitable<void> write_trickled(beast::tcp_stream& stream, std::string_view raw,
                                       std::chrono::milliseconds trickle, asio::steady_timer& timer,
                                       beast::error_code& ec) {
    if (trickle.count() <= 0) {
      co_await write_all(stream, raw, ec);
      co_return;
    }
    constexpr std::size_t chunk = 16;
    std::string_view rest(raw);
    while (!rest.empty() && !ec) {
      co_await write_all(stream, rest.substr(0, chunk), ec);
      rest.remove_prefix(std::min(chunk, rest.size()));
      if (!rest.empty() && !ec) {
        timer.expires_after(trickle);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
  }

  /// Sends `answer` as `plan` says (after its delay and the configured latency; reset,
  /// truncated, trickled, or as an event stream). True when the connection stays open for the
  /// next request.
  asio::awaitable<bool> send_answer(beast::tcp_stream& stream, std::uint64_t id,
                                    const reply& answer, const fault_plan& plan,
                                    asio::steady_timer& timer) {
    beast::error_code ec;
    auto delay = options_.latency + plan.delay;
    if (delay.count() > 0) {
      timer.expires_after(delay);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (answer.reset) {
      hard_reset(stream);
      co_return false;
    }
    if (answer.response.event_stream && !answer.truncate) {
      co_await stream_events(stream, id, answer.response, timer);
      co_return false;
    }
    bool keep_alive = answer.keep_alive && !stopping_;
    auto raw = wire_form(answer, keep_alive);
    if (answer.truncate) {
      co_await write_all(stream, raw, ec);
      co_return false;
    }
    co_await write_trickled(stream, raw, plan.trickle, timer, ec);
    if (ec) co_return false;
    if (!keep_alive) {
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return false;
    }
    co_return true;
  }

  /// The requests of one connection, one after the other, until it closes or the server stops.
  asio::awaitable<void> serve(beast::tcp_stream& stream, std::uint64_t id) {
    beast::flat_buffer buffer(options_.max_header_bytes + options_.max_body_bytes + 4096);
    asio::steady_timer timer(*ioc_);
    while (!stopping_) {
      parser_t parser;
      configure(parser, options_);
      fault_plan plan;
      const bool read = co_await read_request(stream, id, buffer, parser, plan);
      if (!read) co_return;
      auto answer = respond(engine_, parser.get(), plan);
      const bool open = co_await send_answer(stream, id, answer, plan, timer);
      if (!open) co_return;
    }
  }

  engine& engine_;
  server_options options_;

  struct session_entry {
    beast::tcp_stream* stream = nullptr;
    bool idle = true;
  };
  // Touched only on the io_context thread.
  std::unordered_map<std::uint64_t, session_entry> sessions_;
  std::map<asio::ip::address, std::size_t> per_source_;  // open connections by client address
  std::uint64_t next_session_ = 1;
  bool stopping_ = false;

  std::optional<asio::io_context> ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> force_timer_;
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;
};

http_server::http_server(engine& eng, const server_options& options)
    : impl_(std::make_unique<impl>(eng, options)) {}

http_server::~http_server() = default;

std::uint16_t http_server::start() {
  return impl_->start();
}

void http_server::stop() noexcept {
  impl_->stop();
}

// ---------------------------------------------------------------------------------------------

std::string process_raw(engine& eng, const server_options& options, std::string_view bytes) {
  std::string out;
  while (!bytes.empty()) {
    parser_t parser;
    configure(parser, options);
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done()) {
      auto n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) {
        ec = {};
        if (n == 0 || used >= bytes.size()) {
          parser.put_eof(ec);
          break;
        }
        continue;
      }
      if (ec) break;
      if (n == 0) break;
    }
    if (!parser.is_done()) {
      if (ec) {
        if (auto r = read_error_response(ec)) out += serialize_response(*r, false);
      }
      break;
    }
    if (auto refusal = too_many_headers(parser, options)) {
      out += serialize_response(*refusal, false);
      break;
    }
    const auto& msg = parser.get();
    auto plan = fault_for(eng, msg);
    if (plan.reset == reset_mode::before_read) {
      out += "<reset>";
      break;
    }
    auto answer = respond(eng, msg, plan);
    if (answer.reset) {
      out += "<reset>";
      break;
    }
    out += wire_form(answer, answer.keep_alive);
    if (!answer.keep_alive) break;
    bytes.remove_prefix(std::min(used, bytes.size()));
  }
  return out;
}

}  // namespace paystack::sim::detail
