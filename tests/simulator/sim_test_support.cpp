#include "sim_test_support.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef PAYSTACK_SAMPLES_DIR
#error "PAYSTACK_SAMPLES_DIR must be defined"
#endif

namespace simtest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Runs the io_context until `done` or the deadline; throws on timeout.
void run_until(asio::io_context& ioc, bool& done, std::chrono::milliseconds timeout) {
  ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    ioc.run_one_until(deadline);
  }
}
}  // namespace

json::value reply::json() const {
  return json::parse(body);
}

std::string reply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string{} : it->second;
}

// ---------------------------------------------------------------------------------------------

struct http_client::impl {
  std::uint16_t port;
  std::string key;
  bool auth = true;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::size_t opened = 0;

  void connect() {
    stream.emplace(ioc);
    beast::error_code ec;
    stream->socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) throw boost::system::system_error(ec, "connect");
    buffer.clear();
    ++opened;
  }

  reply once(const std::string& method, const std::string& target, const std::string& body,
             const headers& extra) {
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::user_agent, "simtest");
    if (auth && !key.empty()) req.set(http::field::authorization, "Bearer " + key);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : extra) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    if (method == "GET" && body.empty()) req.erase(http::field::content_length);

    beast::error_code ec;
    bool done = false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    http::async_write(*stream, req, [&](beast::error_code e, std::size_t) {
      ec = e;
      if (ec) {
        done = true;
        return;
      }
      http::async_read(*stream, buffer, parser, [&](beast::error_code e2, std::size_t) {
        ec = e2;
        done = true;
      });
    });
    run_until(ioc, done, std::chrono::seconds{10});
    if (!done) {
      stream.reset();
      throw boost::system::system_error(asio::error::timed_out, "request");
    }
    if (ec) {
      stream.reset();
      throw boost::system::system_error(ec, "request");
    }
    reply r;
    auto& res = parser.get();
    r.status = res.result_int();
    for (const auto& f : res)
      r.headers[lower(std::string(f.name_string()))] = std::string(f.value());
    r.body = res.body();
    if (!res.keep_alive()) stream.reset();
    return r;
  }
};

http_client::http_client(std::uint16_t port, std::string secret_key)
    : impl_(std::make_unique<impl>()) {
  impl_->port = port;
  impl_->key = std::move(secret_key);
}

http_client::~http_client() = default;

reply http_client::request(const std::string& method, const std::string& target,
                           const std::string& body, const headers& extra) {
  // A kept-alive connection may have been closed by the server meanwhile: retry once on a
  // fresh connection if the reused one fails before any answer.
  bool reused = impl_->stream.has_value();
  if (!reused) impl_->connect();
  try {
    return impl_->once(method, target, body, extra);
  } catch (const boost::system::system_error& e) {
    if (!reused || e.code() == asio::error::timed_out) throw;
  }
  impl_->connect();
  return impl_->once(method, target, body, extra);
}

std::size_t http_client::connections_opened() const {
  return impl_->opened;
}

void http_client::send_auth(bool on) {
  impl_->auth = on;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------

struct webhook_receiver::impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::deque<unsigned> script;
  std::vector<received> got;

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request_parser<http::string_body> parser;
      stream.expires_after(std::chrono::seconds{10});
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      auto& req = parser.get();
      unsigned status = 200;
      {
        std::lock_guard lk(mutex);
        got.push_back(received{std::string(req.target()), req.body(),
                               std::string(req["x-paystack-signature"]),
                               std::string(req[http::field::content_type])});
        if (!script.empty()) {
          status = script.front();
          script.pop_front();
        }
      }
      cv.notify_all();
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      res.body() = "ok";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !req.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(ioc);
      co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(ioc, serve(std::move(socket)), asio::detached);
    }
  }
};

webhook_receiver::webhook_receiver() : impl_(std::make_unique<impl>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->ioc, impl_->accept(), asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

webhook_receiver::~webhook_receiver() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string webhook_receiver::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) +
         "/webhooks";
}

void webhook_receiver::script(std::vector<unsigned> statuses) {
  std::lock_guard lk(impl_->mutex);
  impl_->script.assign(statuses.begin(), statuses.end());
}

std::vector<webhook_receiver::received> webhook_receiver::wait_for(
    std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lk(impl_->mutex);
  impl_->cv.wait_for(lk, timeout, [&] { return impl_->got.size() >= n; });
  return impl_->got;
}

std::vector<webhook_receiver::received> webhook_receiver::all() const {
  std::lock_guard lk(impl_->mutex);
  return impl_->got;
}

// ---------------------------------------------------------------------------------------------

std::string hmac_sha512_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  static const unsigned char empty = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       data.empty() ? &empty : reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       md.data(), &len);
  std::ostringstream os;
  for (unsigned i = 0; i < len; ++i) {
    static constexpr char hex[] = "0123456789abcdef";
    os << hex[md[i] >> 4] << hex[md[i] & 15];
  }
  return os.str();
}

json::value load_sample(const std::string& relative_path) {
  std::ifstream in(std::string(PAYSTACK_SAMPLES_DIR) + "/" + relative_path);
  if (!in) throw std::runtime_error("cannot open sample " + relative_path);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json::value api_sample(const std::string& rel, const std::string& code) {
  auto v = load_sample("api/" + rel + "/response.json");
  return v.at(code).at("data");
}

namespace {
std::string kind(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "bool";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "?";
}
}  // namespace

std::vector<std::string> shape_differences(const json::value& sample, const json::value& actual,
                                           const std::string& path) {
  std::vector<std::string> out;
  if (sample.is_null()) return out;
  if (kind(sample) != kind(actual)) {
    out.push_back(path + ": sample is " + kind(sample) + ", simulator gives " + kind(actual));
    return out;
  }
  if (sample.is_object()) {
    for (const auto& [k, v] : sample.get_object()) {
      auto p = path + "." + std::string(k);
      const auto* a = actual.get_object().if_contains(k);
      if (a == nullptr) {
        out.push_back(p + ": missing");
        continue;
      }
      auto sub = shape_differences(v, *a, p);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  } else if (sample.is_array() && !sample.get_array().empty()) {
    for (std::size_t i = 0; i < actual.get_array().size(); ++i) {
      auto sub = shape_differences(sample.get_array()[0], actual.get_array()[i],
                                   path + "[" + std::to_string(i) + "]");
      out.insert(out.end(), sub.begin(), sub.end());
    }
  }
  return out;
}

bool eventually_impl(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  return pred();
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

paystack::sim::server_options manual_options(std::string key, std::uint64_t seed) {
  paystack::sim::server_options o;
  o.secret_key = std::move(key);
  o.seed = seed;
  o.delivery_delay.reset();
  o.auto_pay_delay.reset();
  return o;
}

void sim_test::SetUp() {
  sim_ = std::make_unique<paystack::sim::server>(options_);
  sim_->start();
  client_ = std::make_unique<http_client>(sim_->port(), options_.secret_key);
}

void sim_test::TearDown() {
  client_.reset();
  sim_->stop();
}

}  // namespace simtest
