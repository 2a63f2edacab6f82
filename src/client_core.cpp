#include "client_core.hpp"

#include <openssl/opensslv.h>
#include <openssl/x509.h>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/version.hpp>
#include <cstdlib>
#include <paystack/error.hpp>
#include <paystack/version.hpp>
#include <vector>

#include "http/builtin_transport.hpp"
#include "strand.hpp"

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

/// The security checks a valid configuration weakens (log_kind::warning), one message each.
std::vector<std::string> security_warnings(const core_shared& s, const client_options& o) {
  std::vector<std::string> out;
  if (s.config_error) return out;
  if (!s.ep.tls && !s.ep.loopback) {
    out.push_back("allow_insecure_http: plain http:// to " + s.ep.host_header +
                  ", not a loopback address; the secret key and every reply travel unencrypted");
  }
  if (s.ep.tls && s.owns_transport) {
    std::string store;
    if (!o.ca_file.empty()) {
      store = "ca_file " + o.ca_file;
    } else {
      // The variables OpenSSL's set_default_verify_paths() reads instead of the system store.
      for (const char* name : {X509_get_default_cert_file_env(), X509_get_default_cert_dir_env()}) {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') continue;
        if (!store.empty()) store += ", ";
        store += std::string(name) + "=" + value;
      }
    }
    if (!store.empty()) {
      out.push_back("TLS trust store replaced: certificates are checked against " + store +
                    " instead of the system store");
    }
  }
  return out;
}

/// Gives the warnings to the logger on the client's strand (where it is always called).
void post_warnings(const std::shared_ptr<core_shared>& shared, std::vector<std::string> warnings) {
  if (!shared->logger || warnings.empty()) return;
  asio::post(shared->strand,
             [weak = std::weak_ptr<core_shared>(shared), warnings = std::move(warnings)] {
               auto s = weak.lock();
               if (!s) return;
               for (const auto& message : warnings) {
                 log_record rec;
                 rec.kind = log_kind::warning;
                 rec.message = message;
                 try {
                   s->logger(rec);
                 } catch (...) {
                   // A logger must not break the client.
                 }
               }
             });
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
    ts.fixed_headers = {{"Authorization", s.authorization},
                        {"User-Agent", s.user_agent},
                        {"Accept", "application/json"}};
    boost::system::error_code ec;
    s.transport = make_builtin_transport(s.strand, s.ep, std::move(ts), ec, detail);
    if (ec) fail(error::tls_failed, detail);
    s.owns_transport = true;
    s.transport_adds_headers = true;
  }
  post_warnings(shared, security_warnings(s, options));
  return std::make_shared<client_core>(std::move(shared), options.retry, options.timeout);
}

http_request client_core::make_request(http_method method, std::string target,
                                       std::string body) const {
  http_request r;
  r.method = method;
  r.target = std::move(target);
  if (!shared_->transport_adds_headers) {
    r.headers.reserve(4);
    r.headers.emplace_back("Authorization", shared_->authorization);
    r.headers.emplace_back("User-Agent", shared_->user_agent);
    r.headers.emplace_back("Accept", "application/json");
  }
  if (method != http_method::get) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

namespace {

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

}  // namespace

exchange_op::exchange_op(const client_core& core, http_request request, retry_class cls)
    : shared_(core.shared_ptr()),
      request_(std::move(request)),
      cls_(cls),
      policy_(core.retry()),
      timeout_(core.timeout()) {}

void exchange_op::start(std::shared_ptr<exchange_op> op, asio::cancellation_slot caller_slot) {
  op->caller_slot_ = caller_slot;
  if (caller_slot.is_connected()) {
    // The caller's signal may be emitted from any thread: stop() runs on the strand.
    caller_slot.assign([weak = std::weak_ptr<exchange_op>(op),
                        strand = op->shared_->strand](asio::cancellation_type type) {
      // Seen at once by an attempt that has not started yet (nothing is sent).
      if (auto o = weak.lock(); o && type != asio::cancellation_type::none)
        o->cancel_requested_.store(true, std::memory_order_relaxed);
      asio::post(strand, [weak, type] {
        if (auto o = weak.lock()) o->stop(type);
      });
    });
  }
  auto& strand = op->shared_->strand;
  asio::post(strand, [op = std::move(op)] { op->begin(); });
}

void exchange_op::begin() {
  shared_->in_flight.push_back(*this);
  t0_ = shared_->time->now();
  deadline_ = t0_ + timeout_;
  attempt();
}

void exchange_op::stop(asio::cancellation_type type) {
  if (type == asio::cancellation_type::none || done_) return;
  cancelled_ = true;
  stop_.emit(type);
}

void exchange_op::attempt() {
  if (cancel_requested_.load(std::memory_order_relaxed)) cancelled_ = true;
  if (cancelled_) {  // attempts stays the number of attempts made
    reply_.error_detail = "cancelled before sending";
    return finish(asio::error::operation_aborted);
  }
  if (++attempt_ > 1) t0_ = shared_->time->now();
  with_strand(shared_->strand, [this](const auto& strand) {
    shared_->transport->async_send(
        request_, deadline_,
        asio::bind_cancellation_slot(
            stop_.slot(),
            asio::bind_executor(strand, [self = shared_from_this()](boost::system::error_code ec,
                                                                    http_reply reply) mutable {
              self->on_reply(ec, std::move(reply));
            })));
  });
}

void exchange_op::on_reply(boost::system::error_code ec, http_reply reply) {
  if (cancelled_) ec = asio::error::operation_aborted;
  auto& s = *shared_;
  const auto now = s.time->now();
  // The wall clock only matters for a Retry-After date or an x-ratelimit-reset timestamp.
  const bool dated =
      !reply.header("retry-after").empty() || !reply.header("x-ratelimit-reset").empty();
  const auto wall =
      dated ? std::chrono::system_clock::now() : std::chrono::system_clock::time_point{};
  const auto d = decide_retry(cls_, policy_, attempt_, ec, reply, now, deadline_, wall,
                              static_cast<std::uint32_t>(s.rng()));
  log_attempt(s, request_, attempt_, now - t0_, ec, reply, d.retry);
  reply_ = std::move(reply);
  if (!d.retry) return finish(ec);
  s.time->async_sleep(
      s.strand, d.delay,
      asio::bind_cancellation_slot(
          stop_.slot(), asio::bind_executor(s.strand, [self = shared_from_this()](
                                                          boost::system::error_code sleep_ec) {
            self->on_slept(sleep_ec);
          })));
}

void exchange_op::on_slept(boost::system::error_code ec) {
  if (ec || cancelled_) {
    reply_.error_detail = "cancelled while waiting to retry";
    return finish(asio::error::operation_aborted);
  }
  attempt();
}

void exchange_op::finish(boost::system::error_code ec) {
  done_ = true;
  unlink();
  exchange_result out;
  out.ec = ec;
  out.reply = std::move(reply_);
  out.attempts = attempt_;
  deliver(std::move(out), caller_slot_);
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
      std::vector<in_flight_exchange*> calls;
      for (auto& call : s->in_flight) calls.push_back(&call);
      for (auto* call : calls) call->stop(asio::cancellation_type::terminal);
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
