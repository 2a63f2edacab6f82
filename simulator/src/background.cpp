// The webhook sender (Beast HTTP client) and the device-simulation timers.
#include "background.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace paystack::sim::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

webhook_target parse_webhook_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    throw std::invalid_argument("webhook URL must start with http://");
  }
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  webhook_target t;
  t.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty()) throw std::invalid_argument("webhook URL has no host");
  if (authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 host");
    t.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    t.port = after.size() > 1 && after.front() == ':' ? std::string(after.substr(1)) : "80";
  } else {
    auto colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    t.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  }
  if (t.host.empty() || t.port.empty() ||
      t.port.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("bad webhook URL host or port");
  }
  return t;
}

struct background::impl {
  server_options options_;
  std::optional<webhook_target> target_;
  engine* engine_ = nullptr;

  struct job {
    std::chrono::steady_clock::time_point due;
    std::uint64_t seq = 0;
    std::uint64_t generation = 0;
    std::uint64_t id = 0;
    std::string body;
    std::string signature;
    unsigned attempts = 0;
  };
  // Touched only on the io_context thread.
  std::vector<job> queue_;
  std::uint64_t seq_ = 0;
  bool stopping_ = false;

  std::optional<asio::io_context> ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::optional<asio::steady_timer> wake_;
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;

  explicit impl(const server_options& o) : options_(o) {
    if (!options_.webhook_url.empty()) target_ = parse_webhook_url(options_.webhook_url);
    ioc_.emplace(1);
    work_.emplace(ioc_->get_executor());
    wake_.emplace(*ioc_);
  }

  ~impl() {
    stop();
    wake_.reset();
    work_.reset();
    ioc_.reset();  // drops pending timers and any coroutine left
  }

  void start() {
    if (started_) return;
    started_ = true;
    asio::co_spawn(*ioc_, sender(), asio::detached);
    thread_ = std::thread([this] {
      for (;;) {
        try {
          ioc_->run();
          return;
        } catch (...) {
          // A scheduled callback threw (e.g. bad_alloc): keep the simulation going.
        }
      }
    });
  }

  void stop() noexcept {
    if (!started_ || stopped_) return;
    stopped_ = true;
    asio::post(*ioc_, [this] {
      stopping_ = true;
      wake_->cancel();
    });
    work_.reset();
    ioc_->stop();
    if (thread_.joinable()) thread_.join();
  }

  void publish_length() {
    if (engine_ != nullptr) engine_->counters().webhook_queue_length = queue_.size();
  }

  /// Makes room for one more job: drops the oldest (first emitted) when the queue is full, and
  /// marks it failed in the log so that nobody waits for it.
  void make_room() {
    auto max = std::max<std::size_t>(1, options_.max_webhook_queue);
    while (queue_.size() >= max) {
      auto oldest = std::min_element(queue_.begin(), queue_.end(),
                                     [](const job& a, const job& b) { return a.seq < b.seq; });
      job j = std::move(*oldest);
      queue_.erase(oldest);
      if (engine_ == nullptr) continue;
      ++engine_->counters().webhook_queue_dropped;
      webhook_attempt attempt;
      attempt.at = std::chrono::system_clock::now();
      attempt.error = "dropped: webhook queue full";
      engine_->record_attempt(j.generation, j.id, std::move(attempt), webhook_status::failed);
    }
  }

  std::chrono::milliseconds retry_interval() const {
    double ms = 3600.0 * 1000.0 * options_.webhook_time_scale;
    if (!(ms >= 1.0)) ms = 1.0;  // also catches NaN
    if (ms > 3600.0 * 1000.0 * 24) ms = 3600.0 * 1000.0 * 24;
    return std::chrono::milliseconds{static_cast<std::int64_t>(ms)};
  }

  asio::awaitable<void> sender() {
    for (;;) {
      beast::error_code ec;
      if (stopping_) co_return;
      if (queue_.empty()) {
        wake_->expires_at(std::chrono::steady_clock::time_point::max());
        co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      auto it = std::min_element(queue_.begin(), queue_.end(), [](const job& a, const job& b) {
        return a.due != b.due ? a.due < b.due : a.seq < b.seq;
      });
      auto now = std::chrono::steady_clock::now();
      if (it->due > now) {
        wake_->expires_at(it->due);
        co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      job j = std::move(*it);
      queue_.erase(it);
      publish_length();
      if (engine_ == nullptr || j.generation != engine_->generation()) continue;
      webhook_attempt attempt;
      attempt.at = std::chrono::system_clock::now();
      co_await post_once(j, attempt);
      ++j.attempts;
      bool ok = attempt.http_status >= 200 && attempt.http_status < 300;
      auto status = ok ? webhook_status::delivered
                       : (j.attempts >= std::max(1u, options_.webhook_max_attempts)
                              ? webhook_status::failed
                              : webhook_status::pending);
      engine_->record_attempt(j.generation, j.id, std::move(attempt), status);
      if (status == webhook_status::pending) {
        j.due = std::chrono::steady_clock::now() + retry_interval();
        make_room();
        queue_.push_back(std::move(j));
        publish_length();
      }
    }
  }

  asio::awaitable<void> post_once(const job& j, webhook_attempt& attempt) {
    beast::error_code ec;
    tcp::resolver resolver(*ioc_);
    auto results = co_await resolver.async_resolve(target_->host, target_->port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      attempt.error = "resolve: " + ec.message();
      co_return;
    }
    beast::tcp_stream stream(*ioc_);
    stream.expires_after(options_.webhook_timeout);
    bool connected = false;
    for (const auto& entry : results) {
      co_await stream.async_connect(entry.endpoint(),
                                    asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        connected = true;
        break;
      }
    }
    if (!connected) {
      attempt.error = "connect: " + ec.message();
      co_return;
    }
    http::request<http::string_body> req{http::verb::post, target_->target, 11};
    req.set(http::field::host, target_->host + ":" + target_->port);
    req.set(http::field::user_agent, "paystack-sim");
    req.set(http::field::content_type, "application/json");
    req.set("x-paystack-signature", j.signature);
    req.keep_alive(false);
    req.body() = j.body;
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      attempt.error = "write: " + ec.message();
      co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      attempt.error = "read: " + ec.message();
      co_return;
    }
    attempt.http_status = parser.get().result_int();
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
};

background::background(const server_options& options) : impl_(std::make_unique<impl>(options)) {}

background::~background() = default;

void background::attach(engine& eng) {
  impl_->engine_ = &eng;
}

void background::start() {
  impl_->start();
}

void background::stop() noexcept {
  impl_->stop();
}

void background::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto* self = impl_.get();
  asio::post(*self->ioc_, [self, delay, fn = std::move(fn)]() mutable {
    auto timer = std::make_shared<asio::steady_timer>(*self->ioc_, delay);
    timer->async_wait([timer, fn = std::move(fn)](const beast::error_code& ec) {
      if (!ec) fn();
    });
  });
}

void background::send(std::uint64_t generation, std::uint64_t id, std::string body,
                      std::string signature) {
  auto* self = impl_.get();
  if (!self->target_) return;
  asio::post(*self->ioc_, [self, generation, id, body = std::move(body),
                           signature = std::move(signature)]() mutable {
    impl::job j;
    j.due = std::chrono::steady_clock::now();
    j.seq = self->seq_++;
    j.generation = generation;
    j.id = id;
    j.body = std::move(body);
    j.signature = std::move(signature);
    self->make_room();
    self->queue_.push_back(std::move(j));
    self->publish_length();
    self->wake_->cancel();
  });
}

}  // namespace paystack::sim::detail
