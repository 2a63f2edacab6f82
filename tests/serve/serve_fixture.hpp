// The charge service tests' fixture: the embedded simulator, a SQLite store in a temporary
// directory, a charge_service on an io_context thread, and a blocking HTTP client. Every reply
// the tests see is appended to $SERVE_REPLY_LOG (one JSON line each) when it is set, for
// tests/serve/validate_replies.py (doc/serve-openapi.yaml).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <paystack/charge_service.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <random>

#include "test_support.hpp"

namespace serve_test {

using namespace std::chrono_literals;
namespace json = boost::json;

inline constexpr const char* secret = "sk_test_serve_5c1d02e4a7";
inline constexpr const char* token = "serve-test-token-7f3a9c2b11";

/// One HTTP reply.
struct reply {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;
  json::value doc;  ///< the body parsed, when it is JSON
  const json::object& obj() const {
    static const json::object empty;
    return doc.is_object() ? doc.get_object() : empty;
  }
  std::string error_code() const {
    auto* e = obj().if_contains("error");
    return e && e->is_object() && e->get_object().contains("code")
               ? std::string(e->get_object().at("code").as_string())
               : std::string();
  }
  std::string error_field() const {
    auto* e = obj().if_contains("error");
    auto* f = e && e->is_object() ? e->get_object().if_contains("field") : nullptr;
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  }
  std::string str(std::string_view name) const {
    auto* v = obj().if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
};

/// Parses a raw HTTP answer (the connection closed after it).
inline reply parse_reply(const std::string& raw) {
  reply r;
  auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    auto eol = raw.find("\r\n", pos);
    auto line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = eol + 2;
  }
  r.body = raw.substr(end + 4);
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (!ec) r.doc = std::move(v);
  return r;
}

/// Appends the reply to $SERVE_REPLY_LOG.
inline void log_reply(const std::string& method, const std::string& target, const reply& r) {
  static std::mutex m;
  const char* path = std::getenv("SERVE_REPLY_LOG");
  if (!path || !*path) return;
  json::object o{{"method", method},
                 {"target", target},
                 {"status", r.status},
                 {"content_type",
                  r.headers.count("content-type") ? r.headers.at("content-type") : std::string()},
                 {"body", r.body}};
  std::lock_guard lk(m);
  std::ofstream(path, std::ios::app) << json::serialize(o) << '\n';
}

/// Sends one request (Connection: close) and reads the whole answer; not logged (for listeners
/// other than the API: GET /metrics is not part of doc/serve-openapi.yaml).
inline reply http_exchange(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body = {},
                           std::optional<std::string> bearer = std::string(token),
                           const std::string& content_type = "application/json",
                           std::chrono::milliseconds timeout = 20s) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (bearer) req += "Authorization: Bearer " + *bearer + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  req += "Connection: close\r\n\r\n" + body;
  flow_test::raw_connection c(port, timeout);
  c.send(req);
  c.read_to_end();
  return parse_reply(c.received());
}

/// http_exchange() with the API's reply logged to $SERVE_REPLY_LOG (serve.openapi_replies).
inline reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = {},
                       std::optional<std::string> bearer = std::string(token),
                       const std::string& content_type = "application/json",
                       std::chrono::milliseconds timeout = 20s) {
  auto r = http_exchange(port, method, target, body, std::move(bearer), content_type, timeout);
  log_reply(method, target, r);
  return r;
}

/// A charge body.
inline std::string charge_body(const std::string& key, const std::string& terminal,
                               std::int64_t amount = 5000, const std::string& extra = {}) {
  return R"({"key":")" + key + R"(","terminal_id":")" + terminal + R"(","amount":)" +
         std::to_string(amount) + R"(,"customer":"CUS_serve0001")" + extra + "}";
}

class ServeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("serve-test-" + std::to_string(::getpid()) +
                                                     "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    paystack::sim::server_options so;
    so.secret_key = secret;
    so.delivery_delay = 0ms;
    so.auto_pay_delay = auto_pay_;
    so.webhook_url = webhook_url_;
    sim_ = std::make_unique<paystack::sim::server>(so);
    sim_->start();
    paystack::client_options co;
    co.secret_key = secret;
    co.base_url = sim_->base_url();
    co.retry.initial_backoff = 1ms;
    co.retry.max_backoff = 5ms;
    co.logger = [this](const paystack::log_record& r) {
      if (r.kind != paystack::log_kind::attempt) return;
      ++calls_;
      if (r.method == "POST" && r.path.starts_with("/paymentrequest") &&
          r.path.find("archive") == std::string_view::npos && r.attempt == 1)
        ++creates_;
    };
    client_.emplace(io_.io().get_executor(), co);
    store_ = open_store();
  }
  void TearDown() override {
    services_.clear();
    sim_->stop();
    client_.reset();
    store_.reset();
    EXPECT_TRUE(io_.stop()) << "work was left running";
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::shared_ptr<paystack::charge_store> open_store() {
    boost::system::error_code ec;
    std::string why;
    auto s = paystack::open_charge_store(io_.io().get_executor(), (dir_ / "charges.db").string(),
                                         ec, why);
    EXPECT_TRUE(s) << why;
    return s;
  }

  paystack::charge_service_options service_options() {
    paystack::charge_service_options o;
    o.token = token;
    o.store = store_;
    o.housekeeping_interval = 0ms;
    o.watch_interval = 50ms;
    o.defaults.timeout = 10s;
    o.defaults.delivery_poll_initial = 10ms;
    o.defaults.delivery_poll_max = 50ms;
    o.defaults.verify_poll_interval = 50ms;
    o.defaults.verify_fallback_interval = 200ms;
    o.defaults.lease_ttl = 1s;
    return o;
  }

  /// Starts a service (kept until the test ends); its port.
  paystack::charge_service& start_service(paystack::charge_service_options o) {
    services_.push_back(
        std::make_unique<paystack::charge_service>(io_.io().get_executor(), *client_, o));
    services_.back()->start();
    return *services_.back();
  }
  paystack::charge_service& start_service() { return start_service(service_options()); }

  /// Waits for a charge to finish (GET ?wait), its document.
  reply wait_finished(std::uint16_t port, const std::string& key) {
    reply r;
    for (int i = 0; i < 3; ++i) {
      r = http_call(port, "GET", "/v1/charges/" + key + "?wait=10");
      if (r.status != 200 || r.obj().at("finished").as_bool()) break;
    }
    return r;
  }

  std::string terminal(std::size_t i = 0) const { return sim_->terminal_ids().at(i); }

  std::optional<std::chrono::milliseconds> auto_pay_ = 50ms;  // set before SetUp to change
  std::string webhook_url_;
  std::filesystem::path dir_;
  flow_test::io_thread io_;
  std::unique_ptr<paystack::sim::server> sim_;
  std::optional<paystack::terminal_client> client_;
  std::shared_ptr<paystack::charge_store> store_;
  std::vector<std::unique_ptr<paystack::charge_service>> services_;
  std::atomic<unsigned> calls_{0};    ///< every HTTP attempt to Paystack
  std::atomic<unsigned> creates_{0};  ///< Create Payment Request, first attempts
};

/// The customer does not pay until the test says so.
class ServeManualPay : public ServeFixture {
 protected:
  void SetUp() override {
    auto_pay_.reset();
    ServeFixture::SetUp();
  }
};

}  // namespace serve_test
