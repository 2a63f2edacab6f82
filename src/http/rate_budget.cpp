// The rate budget (paystack/rate_budget.hpp): the priority of a request, the budget of one
// process, and the transport that asks a budget before each attempt (http/rate_budget.hpp).
#include "http/rate_budget.hpp"

#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "http/retry.hpp"
#include "metrics/library_metrics.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;

call_priority classify_request(const http_request& request) noexcept {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  const auto payment = path.rfind("/paymentrequest");
  if (payment != std::string_view::npos) {
    auto rest = path.substr(payment + 15);  // after "/paymentrequest"
    if (request.method == http_method::post && (rest.empty() || rest == "/"))
      return call_priority::payment_critical;  // Create Payment Request
    if (request.method == http_method::get && rest.starts_with("/verify/"))
      return call_priority::payment_critical;  // Verify Payment Request
    return call_priority::housekeeping;
  }
  const auto terminal = path.rfind("/terminal/");
  if (terminal != std::string_view::npos) {
    auto rest = path.substr(terminal + 10);  // "{id}/event" or "{id}/event/{event_id}"
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
      auto after = rest.substr(slash);
      if (request.method == http_method::post && (after == "/event" || after.ends_with("/event/")))
        return call_priority::payment_critical;  // Send Event (the push)
      if (request.method == http_method::get && after.starts_with("/event/") && after.size() > 7)
        return call_priority::payment_critical;  // Fetch Event Status (the delivery poll)
    }
  }
  return call_priority::housekeeping;
}

// ---- the budget of one process ---------------------------------------------------------------

rate_budget_options resolved(rate_budget_options o) {
  if (!(o.per_minute > 0) || o.capacity < 0 || o.integration.empty() || o.integration.size() > 100)
    throw std::invalid_argument(
        "rate budget: per_minute must be positive, capacity not negative, and the "
        "integration's name 1 to 100 characters");
  if (o.capacity == 0) o.capacity = o.per_minute;
  o.housekeeping_reserve =
      o.housekeeping_reserve < 0 ? o.capacity / 5 : std::min(o.housekeeping_reserve, o.capacity);
  return o;
}

void rate_budget::observe_reset(std::chrono::milliseconds) {}

namespace {

class local_rate_budget final : public rate_budget {
 public:
  local_rate_budget(asio::any_io_executor ex, rate_budget_options options) : ex_(std::move(ex)) {
    const auto o = resolved(std::move(options));
    capacity_ = o.capacity;
    per_ms_ = o.per_minute / 60000.0;
    reserve_ = o.housekeeping_reserve;
    tokens_ = capacity_;
    at_ = std::chrono::steady_clock::now();
  }

  void async_take(call_priority priority,
                  asio::any_completion_handler<rate_take_signature> handler) override {
    milliseconds wait{0};
    {
      std::lock_guard lock(mutex_);
      refill();
      const double floor = priority == call_priority::payment_critical ? 0 : reserve_;
      const auto now = std::chrono::steady_clock::now();
      if (now < held_until_) {
        // Paystack said when its window resets: nothing before then, whatever the refill says.
        wait = std::max(std::chrono::ceil<milliseconds>(held_until_ - now), milliseconds(1));
      } else if (tokens_ - 1 >= floor) {
        tokens_ -= 1;
      } else {
        wait = milliseconds(
            static_cast<milliseconds::rep>(std::ceil((floor + 1 - tokens_) / per_ms_)));
        wait = std::max(wait, milliseconds(1));
      }
      detail::library_metrics::rate_budget_tokens(tokens_);
    }
    // post runs the handler through its associated executor (ex_ when it has none).
    asio::post(ex_, asio::append(std::move(handler), error_code{}, wait));
  }

  void observe(std::int64_t limit, std::int64_t remaining) override {
    std::lock_guard lock(mutex_);
    refill();
    if (limit > 0) capacity_ = static_cast<double>(limit);
    tokens_ =
        std::min({tokens_, capacity_, static_cast<double>(std::max<std::int64_t>(remaining, 0))});
    detail::library_metrics::rate_budget_tokens(tokens_);
  }

  void observe_reset(milliseconds until_reset) override {
    std::lock_guard lock(mutex_);
    refill();
    tokens_ = std::min(tokens_, 0.0);
    detail::library_metrics::rate_budget_tokens(tokens_);
    held_until_ = std::max(held_until_, std::chrono::steady_clock::now() + until_reset);
  }

 private:
  void refill() {
    const auto now = std::chrono::steady_clock::now();
    if (now < held_until_) {  // Paystack's window has not reset: no refill
      at_ = now;
      return;
    }
    if (held_until_ != std::chrono::steady_clock::time_point{}) {  // it has: a full window
      held_until_ = {};
      tokens_ = capacity_;
    }
    const double elapsed = std::chrono::duration<double, std::milli>(now - at_).count();
    tokens_ = std::min(capacity_, tokens_ + elapsed * per_ms_);
    at_ = now;
  }

  asio::any_io_executor ex_;
  std::mutex mutex_;
  double capacity_ = 0;
  double per_ms_ = 0;
  double reserve_ = 0;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point at_;
  std::chrono::steady_clock::time_point held_until_{};  // Paystack's reset (observe_reset)
};

}  // namespace

std::shared_ptr<rate_budget> make_local_rate_budget(asio::any_io_executor executor,
                                                    rate_budget_options options) {
  return std::make_shared<local_rate_budget>(std::move(executor), std::move(options));
}

// ---- the transport that asks the budget --------------------------------------------------------

namespace detail {
namespace {

using clock = transport::clock;

class budgeted_transport final : public transport,
                                 public std::enable_shared_from_this<budgeted_transport> {
 public:
  budgeted_transport(asio::any_io_executor strand, std::shared_ptr<transport> inner,
                     std::shared_ptr<rate_budget> budget, std::optional<call_priority> priority)
      : strand_(std::move(strand)),
        inner_(std::move(inner)),
        budget_(std::move(budget)),
        priority_(priority) {}

  void async_send(const http_request& request, clock::time_point deadline,
                  handler_type handler) override {
    auto o = std::make_shared<op>(request, deadline, std::move(handler), strand_);
    o->priority = priority_.value_or(classify_request(request));
    o->slot = asio::get_associated_cancellation_slot(o->handler);
    asio::dispatch(strand_, [self = shared_from_this(), o] { self->take(o); });
  }

  void shutdown() noexcept override {
    try {
      asio::dispatch(strand_, [self = shared_from_this()] {
        for (auto& w : self->waiting_) {
          if (auto o = w.lock()) {
            o->cancelled = true;
            o->timer.cancel();
          }
        }
        self->waiting_.clear();
      });
    } catch (...) {
      // best effort, as the built-in transport's (called from destructors)
    }
    inner_->shutdown();
  }

 private:
  struct op {
    op(const http_request& r, clock::time_point d, handler_type h, asio::any_io_executor ex)
        : request(&r), deadline(d), handler(std::move(h)), timer(ex) {}
    const http_request* request;
    clock::time_point deadline;
    handler_type handler;
    asio::steady_timer timer;
    asio::cancellation_slot slot;
    call_priority priority = call_priority::housekeeping;
    bool cancelled = false;
  };
  using op_ptr = std::shared_ptr<op>;

  void take(const op_ptr& o) {
    if (o->cancelled) return complete(o, asio::error::operation_aborted, {});
    budget_->async_take(
        o->priority, asio::bind_executor(
                         strand_, [self = shared_from_this(), o](error_code ec, milliseconds wait) {
                           self->taken(o, ec, wait);
                         }));
  }

  void taken(const op_ptr& o, error_code ec, milliseconds wait) {
    if (o->cancelled) return complete(o, asio::error::operation_aborted, {});
    if (ec || wait.count() <= 0) return send(o);  // a failing budget never stops a payment
    const auto now = clock::now();
    if (now + wait >= o->deadline) return complete(o, {}, exhausted(wait));
    if (o->slot.is_connected()) {
      o->slot.assign([weak = std::weak_ptr<op>(o), strand = strand_](asio::cancellation_type) {
        asio::post(strand, [weak] {
          if (auto p = weak.lock()) {
            p->cancelled = true;
            p->timer.cancel();
          }
        });
      });
    }
    std::erase_if(waiting_, [](const std::weak_ptr<op>& w) { return w.expired(); });
    waiting_.push_back(o);
    o->timer.expires_after(wait);
    o->timer.async_wait([self = shared_from_this(), o](error_code) {
      if (o->slot.is_connected()) o->slot.clear();
      self->take(o);
    });
  }

  void send(const op_ptr& o) {
    if (o->slot.is_connected()) o->slot.clear();
    auto ex = asio::get_associated_executor(o->handler, strand_);
    inner_->async_send(
        *o->request, o->deadline,
        asio::bind_cancellation_slot(
            o->slot, asio::bind_executor(ex, [self = shared_from_this(), o](
                                                 error_code ec, http_reply reply) mutable {
              if (!ec) self->observe(reply);
              auto h = std::move(o->handler);
              std::move(h)(ec, std::move(reply));
            })));
  }

  void observe(const http_reply& reply) {
    const auto limit = header_integer(reply.header("x-ratelimit-limit"));
    auto remaining = header_integer(reply.header("x-ratelimit-remaining"));
    if (reply.status_code == 429) remaining = 0;
    if (remaining) budget_->observe(limit.value_or(0), *remaining);
    // The one reader of the wait headers (rate_limit_wait: Retry-After as seconds or a date,
    // x-ratelimit-reset as seconds or a Unix time), as the retry layer and the charge read them.
    if (remaining && *remaining == 0) {
      if (auto wait = server_requested_delay(reply, std::chrono::system_clock::now()))
        budget_->observe_reset(*wait);
    }
  }

  static http_reply exhausted(milliseconds wait) {
    http_reply r;
    r.status_code = 429;
    const auto secs = std::max<std::int64_t>(1, (wait.count() + 999) / 1000);
    r.headers = {{"Content-Type", "application/json"},
                 {"Retry-After", std::to_string(secs)},
                 {"x-ratelimit-remaining", "0"}};
    r.body = std::string(R"({"status":false,"message":")") + std::string(budget_exhausted_message) +
             R"(","type":"api_error","code":"rate_limited"})";
    r.error_detail = std::string(budget_exhausted_message);
    return r;
  }

  void complete(const op_ptr& o, error_code ec, http_reply reply) {
    if (o->slot.is_connected()) o->slot.clear();
    auto h = std::move(o->handler);
    asio::post(strand_, asio::append(std::move(h), ec, std::move(reply)));
  }

  asio::any_io_executor strand_;
  std::shared_ptr<transport> inner_;
  std::shared_ptr<rate_budget> budget_;
  std::optional<call_priority> priority_;
  std::vector<std::weak_ptr<op>> waiting_;  ///< on strand_: the requests waiting for a token
};

}  // namespace

std::shared_ptr<transport> make_budgeted_transport(asio::any_io_executor strand,
                                                   std::shared_ptr<transport> inner,
                                                   std::shared_ptr<rate_budget> budget,
                                                   std::optional<call_priority> priority) {
  return std::make_shared<budgeted_transport>(std::move(strand), std::move(inner),
                                              std::move(budget), priority);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
