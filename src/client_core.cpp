#include "client_core.hpp"

#include <openssl/opensslv.h>
#include <openssl/x509.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/version.hpp>
#include <cstdlib>
#include <paystack/error.hpp>
#include <paystack/version.hpp>
#include <vector>

#include "http/builtin_transport.hpp"
#include "http/rate_budget.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace asio = boost::asio;

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
    boost::system::error_code ec;
    s.transport = make_builtin_transport(s.strand, s.ep, std::move(ts), ec, detail);
    if (ec) fail(error::tls_failed, detail);
    s.owns_transport = true;
  }
  if (options.rate_budget && s.transport)
    s.transport = make_budgeted_transport(s.strand, std::move(s.transport),
                                          std::move(options.rate_budget), options.rate_priority);
  post_warnings(shared, security_warnings(s, options));
  return std::make_shared<client_core>(std::move(shared), options.retry, options.timeout);
}

http_request client_core::make_request(http_method method, std::string target,
                                       std::string body) const {
  http_request r;
  r.method = method;
  r.target = std::move(target);
  // The one place the logical headers are added, whatever the transport (the built-in one
  // adds only Host and Content-Length).
  r.headers.reserve(4);
  r.headers.emplace_back("Authorization", shared_->authorization);
  r.headers.emplace_back("User-Agent", shared_->user_agent);
  r.headers.emplace_back("Accept", "application/json");
  if (method != http_method::get) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
