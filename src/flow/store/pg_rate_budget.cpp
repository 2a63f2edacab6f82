// pg_rate_budget: the fleet's shared rate budget (pg_rate_budget.hpp) over
// src/flow/store/pg/rate_budget.
#include "pg_rate_budget.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <paystack/error.hpp>
#include <utility>
#include <vector>

#include "flow_metrics.hpp"
#include "pg/rate_budget.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;

namespace {

constexpr std::chrono::seconds reconnect_pause{1};
/// Header observations are written at most this often (a 429 always is).
constexpr milliseconds observe_every{1000};

class pg_rate_budget final : public rate_budget,
                             public std::enable_shared_from_this<pg_rate_budget> {
 public:
  using handler = asio::any_completion_handler<rate_take_signature>;

  pg_rate_budget(asio::any_io_executor ex, std::string url, rate_budget_options o,
                 milliseconds timeout)
      : conn_(pg::connection::create(std::move(ex), std::move(url))), timeout_(timeout) {
    o = resolved(std::move(o));
    config_.integration = std::move(o.integration);
    config_.capacity = o.capacity;
    config_.per_minute = o.per_minute;
    config_.reserve = o.housekeeping_reserve;
  }

  void async_take(call_priority priority, handler h) override {
    asio::dispatch(conn_->strand(),
                   [self = shared_from_this(), priority, h = std::move(h)]() mutable {
                     self->take(priority, std::move(h));
                   });
  }

  void observe(std::int64_t limit, std::int64_t remaining) override {
    asio::dispatch(conn_->strand(), [self = shared_from_this(), limit, remaining] {
      const auto now = std::chrono::steady_clock::now();
      if (!self->ready_ || (remaining > 0 && now < self->next_observe_)) return;
      self->next_observe_ = now + observe_every;
      pg::async_observe_rate_limit(*self->conn_, self->config_.integration, limit, remaining,
                                   [](error_code) {});  // best effort
    });
  }

 private:
  // On the connection's strand from here on.
  void take(call_priority priority, handler h) {
    if (ready_) return run(priority, std::move(h));
    if (std::chrono::steady_clock::now() < next_connect_) return answer(std::move(h), failed(), {});
    waiting_.emplace_back(priority, std::move(h));
    if (!connecting_) connect();
  }

  void connect() {
    connecting_ = true;
    conn_->async_connect(timeout_, [self = shared_from_this()](error_code ec) {
      if (ec) return self->give_up();
      pg::async_configure_budget(*self->conn_, self->config_, [self](error_code cec) {
        if (cec) return self->give_up();
        self->connecting_ = false;
        self->ready_ = true;
        auto waiting = std::exchange(self->waiting_, {});
        for (auto& [p, h] : waiting) self->run(p, std::move(h));
      });
    });
  }

  void give_up() {
    connecting_ = false;
    ready_ = false;
    next_connect_ = std::chrono::steady_clock::now() + reconnect_pause;
    auto waiting = std::exchange(waiting_, {});
    for (auto& [p, h] : waiting) answer(std::move(h), failed(), {});
  }

  void run(call_priority priority, handler h) {
    const auto level = priority == call_priority::payment_critical
                           ? pg::call_priority::payment_critical
                           : pg::call_priority::housekeeping;
    pg::async_take_budget(
        *conn_, config_.integration, level, 1.0,
        [self = shared_from_this(), h = std::move(h)](error_code ec, pg::take_result r) mutable {
          if (ec) {
            if (!self->conn_->is_connected()) self->ready_ = false;  // reconnect next time
            return self->answer(std::move(h), failed(), {});
          }
          flow_metrics::get().budget_tokens.set(r.available - (r.granted ? 1.0 : 0.0));
          const auto wait = r.granted ? milliseconds(0) : std::max(milliseconds(1), r.retry_after);
          self->answer(std::move(h), {}, wait);
        });
  }

  void answer(handler h, error_code ec, milliseconds wait) {
    asio::post(conn_->strand(), asio::append(std::move(h), ec, wait));
  }
  static error_code failed() { return make_error_code(error::store_failed); }

  std::shared_ptr<pg::connection> conn_;
  milliseconds timeout_;
  pg::budget_config config_;
  bool ready_ = false;
  bool connecting_ = false;
  std::chrono::steady_clock::time_point next_connect_{};
  std::chrono::steady_clock::time_point next_observe_{};
  std::vector<std::pair<call_priority, handler>> waiting_;
};

}  // namespace

std::shared_ptr<rate_budget> make_pg_rate_budget(asio::any_io_executor ex, std::string url,
                                                 rate_budget_options options,
                                                 milliseconds timeout) {
  return std::make_shared<pg_rate_budget>(std::move(ex), std::move(url), std::move(options),
                                          timeout);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
