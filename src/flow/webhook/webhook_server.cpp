// webhook_server: the Beast part of the webhook receiver (kept in this one translation unit).
//
// One strand serialises the acceptor and every connection: webhook traffic is small and this
// keeps stop() simple, and the connection bookkeeping (limits, eviction) needs no lock.
// Application handlers run on the plain executor, posted after the 200.
//
// Requests are read by read_request(), a small loop over basic_parser::put() instead of
// http::async_read: Beast buffers an incomplete chunk-size line or trailer section until it is
// complete, so the loop checks those bytes against their caps before every read, and reads into
// a flat_buffer whose max_size() is the largest of the caps.
#include <algorithm>
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
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <map>
#include <optional>
#include <paystack/charge_store.hpp>
#include <paystack/webhook_server.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>

#include "flow_metrics.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// One accepted connection; owned by its session, known to the impl while registered.
struct webhook_connection {
  webhook_connection(tcp::socket s, asio::ip::address a) : stream(std::move(s)), source(a) {}
  beast::tcp_stream stream;
  asio::ip::address source;
  bool registered = false;
  bool waiting = false;  // has not sent the header block of its current request yet
  std::list<webhook_connection*>::iterator waiting_pos;
};

struct webhook_server::impl : std::enable_shared_from_this<impl> {
  using parser_type = http::request_parser<http::string_body>;

  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> strand;
  webhook_server_options options;
  std::shared_ptr<webhook_feed> feed = std::make_shared<webhook_feed>();
  tcp::acceptor acceptor;
  // On the strand: every registered connection, how many per source address, and those waiting
  // for a header block, longest-waiting first.
  std::set<webhook_connection*> connections;
  std::map<asio::ip::address, std::size_t> per_source;
  std::list<webhook_connection*> waiting;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};

  std::atomic<std::uint64_t> requests{0}, accepted{0}, duplicates{0}, bad_signature{0},
      too_large{0}, forbidden{0}, bad_request{0}, header_too_large{0}, timed_out{0}, evicted{0},
      refused{0}, store_failures{0};

  impl(asio::any_io_executor ex, webhook_server_options o)
      : executor(ex), strand(asio::make_strand(ex)), options(std::move(o)), acceptor(strand) {}

  static asio::ip::address normalise(asio::ip::address a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
      a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
  }

  bool source_allowed(const asio::ip::address& a) const {
    if (!options.restrict_sources) return true;
    for (const auto& s : options.allowed_sources) {
      boost::system::error_code ec;
      auto allowed = asio::ip::make_address(s, ec);
      if (!ec && normalise(allowed) == a) return true;
    }
    return false;
  }

  /// The read buffer holds a header block, or a chunk-size line, or the last chunk's line and the
  /// trailer section (with the CRLFs around them), never more.
  std::size_t read_buffer_bytes() const {
    return std::max(options.max_header_bytes,
                    options.max_chunk_line_bytes + options.max_trailer_bytes + 5);
  }

  // ---- connection bookkeeping (on the strand) ----

  void start_waiting(webhook_connection& c) {
    if (c.waiting || !c.registered) return;
    c.waiting_pos = waiting.insert(waiting.end(), &c);
    c.waiting = true;
  }
  void stop_waiting(webhook_connection& c) {
    if (!c.waiting) return;
    waiting.erase(c.waiting_pos);
    c.waiting = false;
  }
  void enrol(webhook_connection& c) {
    connections.insert(&c);
    ++per_source[c.source];
    c.registered = true;
    start_waiting(c);
  }
  void forget(webhook_connection& c) {
    if (!c.registered) return;
    stop_waiting(c);
    connections.erase(&c);
    if (auto it = per_source.find(c.source); it != per_source.end() && --it->second == 0)
      per_source.erase(it);
    c.registered = false;
  }
  void evict(webhook_connection& c) {
    forget(c);
    ++evicted;
    boost::system::error_code ignored;
    c.stream.socket().close(ignored);  // its session sees operation_aborted and ends
  }
  /// Makes room for a new connection from `source`: false when a limit is full and no
  /// connection that could give way is waiting for its header block.
  bool make_room(const asio::ip::address& source) {
    if (auto it = per_source.find(source);
        it != per_source.end() && it->second >= options.max_connections_per_source) {
      auto w = std::find_if(waiting.begin(), waiting.end(),
                            [&](const webhook_connection* c) { return c->source == source; });
      if (w == waiting.end()) return false;
      evict(**w);
    }
    if (options.max_connections_per_source == 0) return false;
    if (connections.size() >= options.max_connections) {
      if (waiting.empty()) return false;
      evict(*waiting.front());
    }
    return connections.size() < options.max_connections;
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
      boost::system::error_code rec;
      const auto remote = sock.remote_endpoint(rec);
      boost::system::error_code ignored;
      if (rec) {
        sock.close(ignored);
        continue;
      }
      const auto source = normalise(remote.address());
      if (!source_allowed(source)) {
        ++forbidden;  // closed before anything is read
        sock.close(ignored);
        continue;
      }
      if (!make_room(source)) {
        ++refused;
        sock.close(ignored);
        continue;
      }
      auto c = std::make_shared<webhook_connection>(std::move(sock), source);
      enrol(*c);  // now, so that the next accept sees it counted
      asio::co_spawn(strand, session(self, std::move(c)), asio::detached);
    }
  }

  /// The unparsed bytes of a chunked body are an incomplete chunk-size line (after the CRLF that
  /// ends the previous chunk's data), or the last chunk's line and an incomplete trailer section.
  bool chunk_framing_within_caps(std::string_view s) const {
    if (s.starts_with("\r\n")) s.remove_prefix(2);
    const auto eol = s.find("\r\n");
    if (std::min(eol, s.size()) > options.max_chunk_line_bytes) return false;
    return eol == std::string_view::npos || s.size() - eol - 2 <= options.max_trailer_bytes;
  }

  /// Feeds `parser` from `buffer`, then from the stream, until it has the header block
  /// (header_only) or the whole request. Returns http::error::header_limit (431) or
  /// http::error::body_limit (413) as soon as the unparsed bytes pass a cap, so that the buffer
  /// never holds more than read_buffer_bytes().
  asio::awaitable<boost::system::error_code> read_request(beast::tcp_stream& stream,
                                                          beast::flat_buffer& buffer,
                                                          parser_type& parser, bool header_only) {
    for (;;) {
      if (header_only ? parser.is_header_done() : parser.is_done())
        co_return boost::system::error_code{};
      if (buffer.size() != 0) {
        boost::system::error_code ec;
        const auto used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec && ec != http::error::need_more) co_return ec;
        if (!ec && used != 0) continue;
      }
      // The parser needs more than the buffer holds. (It refuses a header block over
      // header_limit itself; the chunk framing is checked here.)
      if (parser.is_header_done() && parser.chunked()) {
        const auto* p = static_cast<const char*>(buffer.data().data());
        if (!chunk_framing_within_caps({p, buffer.size()})) co_return http::error::body_limit;
      }
      const auto room = buffer.max_size() - std::min(buffer.max_size(), buffer.size());
      if (room == 0) {
        co_return parser.is_header_done() ? http::error::body_limit : http::error::header_limit;
      }
      auto [ec, n] =
          co_await stream.async_read_some(buffer.prepare(std::min<std::size_t>(room, 16 * 1024)),
                                          asio::as_tuple(asio::use_awaitable));
      buffer.commit(n);
      if (ec == asio::error::eof && parser.got_some()) {
        boost::system::error_code eec;
        parser.put_eof(eec);
        if (eec) co_return eec;
        continue;
      }
      if (ec == asio::error::eof) co_return http::error::end_of_stream;
      if (ec) co_return ec;
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

  /// The merchant whose key signed `body` ("" with one secret key), or nullopt: no key did.
  /// With merchant keys, every key is tried (match_webhook_signature; ADR 0009).
  std::optional<std::string> verified_merchant(std::string_view body, std::string_view header) {
    if (options.merchant_keys.empty()) {
      if (!verify_webhook_signature(body, header, options.secret_key)) return std::nullopt;
      return std::string();
    }
    const auto i = match_webhook_signature(body, header, options.merchant_keys);
    if (!i) return std::nullopt;
    return options.merchant_keys[*i].merchant;
  }

  /// Everything after the body was read: signature, parse, de-duplication (with a charge store:
  /// the event recorded under its semantic key before the answer), hand-over.
  asio::awaitable<http::status> handle(const http::request<http::string_body>& req,
                                       std::string_view& text) {
    const std::string_view body = req.body();
    std::string_view header;
    if (auto it = req.find("x-paystack-signature"); it != req.end()) header = it->value();
    const auto merchant = verified_merchant(body, header);
    if (!merchant) {
      ++bad_signature;
      detail::flow_metrics::webhook("unknown", "bad_signature");
      text = "invalid signature";
      co_return http::status::unauthorized;
    }
    auto parsed = parse_webhook_event(body);
    if (!parsed) {
      ++bad_request;
      detail::flow_metrics::webhook("unknown", "rejected");
      text = "not a webhook event";
      co_return http::status::bad_request;
    }
    parsed->merchant = *merchant;
    bool fresh = true;
    if (options.store) {
      // Store, then acknowledge: a replay to a restarted receiver is known by its semantic key.
      auto op = options.store->async_record_webhook(
          webhook_semantic_key(*parsed), std::string(body), asio::as_tuple(asio::use_awaitable));
      auto [ec, is_new] = co_await std::move(op);
      if (ec) {
        ++store_failures;
        text = "cannot record the event now";
        co_return http::status::service_unavailable;  // Paystack delivers it again
      }
      fresh = is_new;
    } else {
      fresh = options.dedup->insert_if_absent(webhook_dedup_key(*parsed));
    }
    if (!fresh) {
      ++duplicates;
      detail::flow_metrics::webhook(detail::flow_metrics::event_label(parsed->event), "duplicate");
      text = "duplicate";
      co_return http::status::ok;
    }
    ++accepted;
    detail::flow_metrics::webhook(detail::flow_metrics::event_label(parsed->event), "accepted");
    asio::post(executor, [self = shared_from_this(), e = std::move(*parsed)] {
      try {
        if (self->options.on_event) self->options.on_event(e);
      } catch (...) {
        // An application handler must not take the server down; it was told not to throw.
      }
      self->feed->publish(e);
    });
    text = "ok";
    co_return http::status::ok;
  }

  /// The size of the trailer section: the fields after the first `header_fields`, as
  /// "name: value\r\n", and the final CRLF (0 without trailer fields).
  static std::size_t trailer_bytes(const http::request_header<>& h, std::size_t header_fields) {
    std::size_t n = 0, i = 0;
    for (const auto& f : h) {
      if (i++ >= header_fields) n += f.name_string().size() + f.value().size() + 4;
    }
    return n == 0 ? 0 : n + 2;
  }

  static bool expects_continue(const http::request_header<>& h) {
    auto it = h.find(http::field::expect);
    return h.version() >= 11 && it != h.end() && beast::iequals(it->value(), "100-continue");
  }

  /// Refuses a complete chunk-size line over the cap (an incomplete one: read_request). The
  /// parser keeps a reference to it: it lives as long as the session.
  struct chunk_line_cap {
    std::size_t max_bytes;
    void operator()(std::uint64_t size, beast::string_view ext,
                    boost::system::error_code& cec) const {
      std::size_t digits = 1;
      for (; size >= 16; size /= 16) ++digits;
      if (digits + ext.size() > max_bytes) cec = http::error::body_limit;
    }
  };

  /// A parser for the next request on a connection, with the receiver's caps.
  void configure(parser_type& parser, chunk_line_cap& cap) const {
    parser.on_chunk_header(cap);
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options.max_body_bytes);
    parser.eager(false);  // stop after the header block
  }

  /// 431 for a header block over the cap, 413 for a Content-Length over max_body_bytes; the
  /// connection closes after it.
  asio::awaitable<void> refuse_oversize(beast::tcp_stream& stream, bool header) {
    ++(header ? header_too_large : too_large);
    detail::flow_metrics::webhook("unknown", "rejected");
    ++requests;
    http::request_header<> h;
    auto res = header ? answer(h, http::status::request_header_fields_too_large,
                               "request header too large")
                      : answer(h, http::status::payload_too_large, "payload too large");
    res.keep_alive(false);
    stream.expires_after(options.io_timeout);
    co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
  }

  /// 405 for a method other than POST, 404 for another path than options.path; else 200.
  http::status route(const http::request_header<>& hdr, std::string_view& text) {
    auto target = std::string_view(hdr.target());
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    if (hdr.method() != http::verb::post) {
      ++bad_request;
      text = "method not allowed";
      return http::status::method_not_allowed;
    }
    if (!options.path.empty() && target != options.path) {
      ++bad_request;
      text = "not found";
      return http::status::not_found;
    }
    return http::status::ok;
  }

  /// Reads an accepted request's body (after a 100 Continue when the client waits for one) and
  /// hands it over: the status to answer, or nullopt when the connection broke.
  asio::awaitable<std::optional<http::status>> read_and_handle(beast::tcp_stream& stream,
                                                               beast::flat_buffer& buffer,
                                                               parser_type& parser,
                                                               std::string_view& text,
                                                               bool& close) {
    const auto& hdr = parser.get();
    const auto header_fields = static_cast<std::size_t>(std::distance(hdr.begin(), hdr.end()));
    if (!parser.is_done() && expects_continue(hdr)) {
      static constexpr std::string_view continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(continue_100),
                                                  asio::as_tuple(asio::use_awaitable));
      if (cec) co_return std::nullopt;
    }
    auto bec = co_await read_request(stream, buffer, parser, false);
    if (!bec && trailer_bytes(parser.get(), header_fields) > options.max_trailer_bytes)
      bec = http::error::body_limit;  // complete, but over the cap
    if (bec == http::error::body_limit) {
      ++too_large;
      detail::flow_metrics::webhook("unknown", "rejected");
      text = "payload too large";
      close = true;
      co_return http::status::payload_too_large;
    }
    if (bec) co_return std::nullopt;
    auto handled = co_await handle(parser.get(), text);
    co_return handled;
  }

  /// A refused request's body: a small one is read and dropped so the connection stays usable;
  /// big ones, chunked ones and ones the client holds back until a 100 Continue set `close`.
  /// False when the connection broke.
  asio::awaitable<bool> drop_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                  parser_type& parser, bool& close) {
    auto cl = parser.content_length();
    if (parser.chunked() || (cl && *cl > 64 * 1024) || expects_continue(parser.get())) {
      close = true;
      co_return true;
    }
    if (parser.is_done()) co_return true;
    const auto bec = co_await read_request(stream, buffer, parser, false);
    co_return !bec;
  }

  /// One request whose header block was read: routed, its body read, answered. False: the
  /// connection is done (closed by either side, broken, or to be closed after this answer).
  asio::awaitable<bool> serve_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      parser_type& parser) {
    const auto& hdr = parser.get();
    std::string_view text;
    bool close = false;
    http::status st = route(hdr, text);
    parser.eager(true);
    stream.expires_after(options.io_timeout);
    if (st == http::status::ok) {
      auto handled = co_await read_and_handle(stream, buffer, parser, text, close);
      if (!handled) co_return false;
      st = *handled;
    } else {
      const bool read = co_await drop_body(stream, buffer, parser, close);
      if (!read) co_return false;
    }
    ++requests;
    auto res = answer(hdr, st, text);
    const bool keep = !close && hdr.keep_alive() && !stopped;
    res.keep_alive(keep);
    stream.expires_after(options.io_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    co_return !wec && keep;
  }

  asio::awaitable<void> session(std::shared_ptr<impl> self,
                                std::shared_ptr<webhook_connection> conn) {
    auto& stream = conn->stream;
    struct unregister {
      impl* i;
      webhook_connection* c;
      ~unregister() { i->forget(*c); }
    } guard{this, conn.get()};
    boost::system::error_code ec;
    beast::flat_buffer buffer;
    buffer.max_size(read_buffer_bytes());
    chunk_line_cap cap{options.max_chunk_line_bytes};
    for (;;) {
      if (stopped || !conn->registered) break;
      start_waiting(*conn);
      parser_type parser;
      configure(parser, cap);
      stream.expires_after(options.header_timeout);
      const auto rec = co_await read_request(stream, buffer, parser, true);
      stop_waiting(*conn);
      if (rec == beast::error::timeout) {
        ++timed_out;
        break;
      }
      if (rec == http::error::header_limit || rec == http::error::body_limit) {
        co_await refuse_oversize(stream, rec == http::error::header_limit);
        break;
      }
      if (rec) break;
      const bool more = co_await serve_request(stream, buffer, parser);
      if (!more) break;
    }
    forget(*conn);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
    (void)self;
  }

  void close_all() {
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto* c : connections) c->stream.socket().close(ec);
  }
};

webhook_server::webhook_server(asio::any_io_executor executor, webhook_server_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {
  if (!impl_->options.dedup) impl_->options.dedup = make_memory_dedup_store();
  if (impl_->options.secret_key.empty() && impl_->options.merchant_keys.empty()) {
    if (const char* k = std::getenv("PAYSTACK_SECRET_KEY")) impl_->options.secret_key = k;
  }
}

namespace {

/// Why `keys` cannot be served ("" when they can): names a merchant, never a key.
std::string check_merchant_keys(const std::vector<merchant_key>& keys) {
  if (keys.size() > max_merchant_keys)
    return "more than " + std::to_string(max_merchant_keys) + " merchant keys";
  std::unordered_set<std::string_view> names, secrets;
  for (const auto& k : keys) {
    if (!valid_merchant_name(k.merchant))
      return "a merchant name must be 1 to 64 of A-Z a-z 0-9 _ . -";
    if (!names.insert(k.merchant).second) return "merchant " + k.merchant + " is given twice";
    if (k.secret_key.empty()) return "merchant " + k.merchant + " has an empty secret key";
    if (!secrets.insert(k.secret_key).second)
      return "merchant " + k.merchant + " has the same secret key as another merchant";
  }
  return {};
}

}  // namespace

webhook_server::~webhook_server() {
  stop();
}

void webhook_server::start() {
  if (impl_->started.exchange(true)) throw std::logic_error("webhook_server: already started");
  if (!impl_->options.merchant_keys.empty()) {
    if (!impl_->options.secret_key.empty())
      throw std::invalid_argument("webhook_server: give secret_key or merchant_keys, not both");
    if (auto why = check_merchant_keys(impl_->options.merchant_keys); !why.empty())
      throw std::invalid_argument("webhook_server: " + why);
  } else if (impl_->options.secret_key.empty())
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
  return {i.requests,  i.accepted,  i.duplicates,  i.bad_signature,
          i.too_large, i.forbidden, i.bad_request, i.header_too_large,
          i.timed_out, i.evicted,   i.refused,     i.store_failures};
}

}  // namespace v0
}  // namespace paystack
