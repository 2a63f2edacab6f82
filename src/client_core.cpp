#include "client_core.hpp"

#include <openssl/opensslv.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/version.hpp>
#include <cstdlib>
#include <paystack/error.hpp>
#include <paystack/version.hpp>
#include <vector>

#include "http/beast_transport.hpp"

namespace paystack::detail {
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

asio::any_io_executor make_client_strand(const asio::any_io_executor& ex) {
  if (const auto* io = ex.target<asio::io_context::executor_type>()) return asio::make_strand(*io);
  if (const auto* pool = ex.target<asio::thread_pool::executor_type>()) {
    return asio::make_strand(*pool);
  }
  return asio::make_strand(ex);
}

}  // namespace

core_shared::core_shared(asio::any_io_executor ex)
    : executor(ex), strand(make_client_strand(ex)), rng(std::random_device{}()) {}

namespace {

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::string env_or(const char* name, const std::string& value) {
  if (!value.empty()) return value;
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string user_agent(const std::string& suffix) {
  std::string ua = "paystack-cpp/" PAYSTACK_VERSION_STRING " (Boost " +
                   std::to_string(BOOST_VERSION / 100000) + "." +
                   std::to_string(BOOST_VERSION / 100 % 1000) + "; " OPENSSL_VERSION_TEXT ")";
  if (!suffix.empty()) ua += " " + suffix;
  return ua;
}

}  // namespace

std::shared_ptr<client_core> client_core::create(asio::any_io_executor ex, client_options options) {
  auto shared = std::make_shared<core_shared>(ex);
  auto& s = *shared;
  s.logger = std::move(options.logger);
  s.time = options.time ? std::move(options.time) : make_steady_time_source();

  const std::string key = env_or("PAYSTACK_SECRET_KEY", options.secret_key);
  s.base_url = env_or("PAYSTACK_BASE_URL", options.base_url);
  if (s.base_url.empty()) s.base_url = "https://api.paystack.co";

  auto fail = [&](error e, std::string detail) {
    if (!s.config_error) {
      s.config_error = e;
      s.config_detail = std::move(detail);
    }
  };
  if (key.empty()) {
    fail(error::missing_secret_key,
         "no secret key: pass client_options::secret_key or set PAYSTACK_SECRET_KEY");
  } else if (has_control_chars(key) || key.find(' ') != std::string::npos) {
    fail(error::invalid_argument, "the secret key contains spaces or control characters");
  }
  if (has_control_chars(options.user_agent_suffix))
    fail(error::invalid_argument, "user_agent_suffix contains control characters");
  if (options.timeout.count() <= 0 || options.connect_timeout.count() <= 0 ||
      options.idle_read_timeout.count() <= 0)
    fail(error::invalid_argument, "timeouts must be positive");
  if (options.max_connections_per_host == 0)
    fail(error::invalid_argument, "max_connections_per_host must be at least 1");
  if (options.retry.max_attempts == 0)
    fail(error::invalid_argument, "retry_policy::max_attempts must be at least 1");

  std::string detail;
  if (auto ec = parse_endpoint(s.base_url, options.allow_insecure_http, s.ep, detail))
    fail(static_cast<error>(ec.value()), detail);

  s.authorization = "Bearer " + key;
  s.user_agent = user_agent(options.user_agent_suffix);

  if (options.transport) {
    s.transport = std::move(options.transport);
  } else if (!s.config_error) {
    transport_settings ts;
    ts.connect_timeout = options.connect_timeout;
    ts.idle_read_timeout = options.idle_read_timeout;
    ts.max_connections = options.max_connections_per_host;
    ts.max_body_bytes = options.max_response_bytes;
    ts.max_header_bytes = options.max_header_bytes;
    ts.ca_file = options.ca_file;
    boost::system::error_code ec;
    s.transport = make_beast_transport(s.strand, s.ep, std::move(ts), ec, detail);
    if (ec) fail(error::tls_failed, detail);
    s.owns_transport = true;
  }
  return std::make_shared<client_core>(std::move(shared), options.retry, options.timeout);
}

http_request client_core::make_request(http_method method, std::string target,
                                       std::string body) const {
  http_request r;
  r.method = method;
  r.target = std::move(target);
  r.headers.reserve(4);
  r.headers.emplace_back("Authorization", shared_->authorization);
  r.headers.emplace_back("User-Agent", shared_->user_agent);
  r.headers.emplace_back("Accept", "application/json");
  if (method != http_method::get) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

namespace {

// Adapts transport::async_send to use_awaitable.
auto send_awaitable(paystack::transport& t, const http_request& req, clock::time_point deadline) {
  return asio::async_initiate<const asio::as_tuple_t<asio::use_awaitable_t<>>&,
                              void(boost::system::error_code, http_reply)>(
      [&t, &req, deadline](auto handler) { t.async_send(req, deadline, std::move(handler)); },
      asio::as_tuple(asio::use_awaitable));
}

void log_attempt(core_shared& s, const http_request& req, unsigned attempt, clock::duration elapsed,
                 const boost::system::error_code& ec, const http_reply& reply, bool will_retry) {
  if (!s.logger) return;
  log_record rec;
  rec.method = to_string(req.method);
  rec.path = req.target;
  rec.status_code = reply.status_code;
  rec.attempt = attempt;
  rec.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
  rec.error = ec;
  rec.will_retry = will_retry;
  try {
    s.logger(rec);
  } catch (...) {
    // A logger must not break the call it describes.
  }
}

// Adapts time_source::async_sleep to use_awaitable.
auto sleep_awaitable(time_source& t, const asio::any_io_executor& ex, std::chrono::milliseconds d) {
  return asio::async_initiate<const asio::as_tuple_t<asio::use_awaitable_t<>>&,
                              void(boost::system::error_code)>(
      [&t, ex, d](auto handler) { t.async_sleep(ex, d, std::move(handler)); },
      asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<exchange_result> exchange(std::shared_ptr<core_shared> shared, http_request req,
                                          retry_class cls, retry_policy policy,
                                          std::chrono::milliseconds timeout,
                                          std::shared_ptr<asio::cancellation_signal> stop) {
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  auto& s = *shared;
  // Registered while it runs (on the strand), so the last client handle can stop it.
  struct registration {
    core_shared& s;
    asio::cancellation_signal* signal;
    ~registration() { s.in_flight.erase(signal); }
  } registered{s, stop.get()};
  s.in_flight.insert(stop.get());
  auto& time = *s.time;
  const auto deadline = time.now() + timeout;
  exchange_result out;
  for (unsigned attempt = 1;; ++attempt) {
    const auto t0 = time.now();
    auto [ec, reply] = co_await send_awaitable(*s.transport, req, deadline);
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) ec = asio::error::operation_aborted;
    const auto now = time.now();
    const auto d =
        decide_retry(cls, policy, attempt, ec, reply, now, deadline,
                     std::chrono::system_clock::now(), static_cast<std::uint32_t>(s.rng()));
    log_attempt(s, req, attempt, now - t0, ec, reply, d.retry);
    if (!d.retry) {
      out.ec = ec;
      out.reply = std::move(reply);
      out.attempts = attempt;
      co_return out;
    }
    auto [tec] = co_await sleep_awaitable(time, co_await asio::this_coro::executor, d.delay);
    if (tec || (co_await asio::this_coro::cancellation_state).cancelled() !=
                   asio::cancellation_type::none) {
      out.ec = asio::error::operation_aborted;
      out.reply = std::move(reply);
      out.reply.error_detail = "cancelled while waiting to retry";
      out.attempts = attempt;
      co_return out;
    }
  }
}

}  // namespace

void client_core::run(http_request request, retry_class cls, exchange_handler handler) const {
  // The exchange is cancelled through its own signal: the caller's slot is forwarded to it, and
  // client_handle's destructor emits it (see core_shared::in_flight).
  auto stop = std::make_shared<asio::cancellation_signal>();
  auto caller_slot = asio::get_associated_cancellation_slot(handler);
  if (caller_slot.is_connected()) {
    caller_slot.assign([weak = std::weak_ptr<asio::cancellation_signal>(stop),
                        strand = shared_->strand](asio::cancellation_type type) {
      asio::post(strand, [weak, type] {
        if (auto signal = weak.lock()) signal->emit(type);
      });
    });
  }
  auto ex = asio::get_associated_executor(handler, shared_->strand);
  auto signal_slot = stop->slot();
  asio::co_spawn(shared_->strand,
                 exchange(shared_, std::move(request), cls, retry_, timeout_, stop),
                 asio::bind_cancellation_slot(
                     signal_slot,
                     asio::bind_executor(ex, [stop, caller_slot, h = std::move(handler)](
                                                 std::exception_ptr e, exchange_result r) mutable {
                       if (caller_slot.is_connected()) caller_slot.clear();
                       std::move(h)(e, std::move(r));
                     })));
}

namespace {

class steady_time_source final : public time_source {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }

  void async_sleep(asio::any_io_executor ex, std::chrono::milliseconds d,
                   sleep_handler handler) override {
    auto timer = std::make_shared<asio::steady_timer>(std::move(ex), d);
    auto slot = asio::get_associated_cancellation_slot(handler);
    timer->async_wait(asio::bind_cancellation_slot(
        slot, [timer, h = std::move(handler)](boost::system::error_code ec) mutable {
          std::move(h)(ec);
        }));
  }
};

}  // namespace

client_handle::~client_handle() {
  if (!shared) return;
  try {
    asio::dispatch(shared->strand, [s = shared] {
      const std::vector<asio::cancellation_signal*> signals(s->in_flight.begin(),
                                                            s->in_flight.end());
      for (auto* signal : signals) signal->emit(asio::cancellation_type::terminal);
    });
  } catch (...) {
    // Best effort: a destructor must not throw.
  }
  if (shared->owns_transport && shared->transport) shared->transport->shutdown();
}

}  // namespace paystack::detail

std::shared_ptr<paystack::time_source> paystack::make_steady_time_source() {
  return std::make_shared<detail::steady_time_source>();
}
