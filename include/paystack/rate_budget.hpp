// paystack/rate_budget.hpp: one rate budget for every call to Paystack (doc/fleet.md).
//
// Paystack allows 100 requests per 60 s per integration in test mode and 600 live, whichever
// process sends them, and answers 429 beyond. A rate_budget is a token bucket the client asks
// before each HTTP attempt (client_options::rate_budget): one per process
// (make_local_rate_budget), or one shared by every process of a fleet in its PostgreSQL store
// (charge_store::shared_rate_budget). Payment-critical calls (create, push, delivery and verify
// polls) may take every token; housekeeping calls (presence, lists, fetches, reconciliation
// sweeps) leave a reserve, so when the budget runs low the payment path goes first. What
// Paystack says in its x-ratelimit-limit / x-ratelimit-remaining headers (and a 429) shrinks the
// bucket to match.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <paystack/export.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct http_request;

/// How urgent a call to Paystack is.
enum class call_priority {
  payment_critical,  ///< may take every token: create, push, delivery and verify polls
  housekeeping,      ///< leaves rate_budget_options::housekeeping_reserve tokens
};

/// The priority the client gives a request by what it does: Create Payment Request (POST
/// /paymentrequest), Send Event (POST /terminal/{id}/event), Fetch Event Status (GET
/// /terminal/{id}/event/{event_id}) and Verify Payment Request (GET /paymentrequest/verify/{code})
/// are payment_critical; every other call (presence, lists, fetches, transactions, refunds,
/// archive) is housekeeping.
call_priority classify_request(const http_request& request) noexcept;

/// The size of a rate budget.
struct rate_budget_options {
  /// The bucket's name: one per Paystack integration and mode (never the secret key). Processes
  /// naming the same bucket in one store share it. 1 to 100 characters.
  std::string integration = "default";
  /// Refill: Paystack's limit per 60 s (100 in test mode, 600 live). Must be positive.
  double per_minute = 100;
  /// Tokens when full (the largest burst). 0: per_minute.
  double capacity = 0;
  /// Tokens housekeeping calls may not take. Negative: a fifth of the capacity.
  double housekeeping_reserve = -1;
};

/// `options` with its defaults resolved (capacity 0 → per_minute; a negative reserve → a fifth of
/// the capacity; a reserve above the capacity → the capacity). Throws std::invalid_argument when
/// per_minute is not positive, capacity is negative or the integration's name is not 1 to 100
/// characters.
rate_budget_options resolved(rate_budget_options options);

/// Completion signature of rate_budget::async_take: the wait before a token could be taken
/// (zero: taken now).
using rate_take_signature = void(boost::system::error_code, std::chrono::milliseconds);

/// A token bucket for the calls to one Paystack integration. Thread safety: every member may be
/// called from any thread.
class rate_budget {
 public:
  virtual ~rate_budget() = default;

  /// Takes one token for a call of `priority` if the bucket allows it now: completes with zero;
  /// otherwise takes nothing and completes with how long until it would. An error (a shared
  /// budget whose database cannot be reached) lets the caller send anyway: a budget never
  /// stops a payment. The handler runs through its associated executor, never from within this
  /// function.
  virtual void async_take(call_priority priority,
                          boost::asio::any_completion_handler<rate_take_signature> handler) = 0;

  /// What Paystack's headers said of the integration's limit (`limit`, 0 when not said) and what
  /// remains of it (`remaining`; a 429 says 0): the bucket holds no more than that afterwards.
  /// Best effort and asynchronous; never fails.
  virtual void observe(std::int64_t limit, std::int64_t remaining) = 0;

  /// When nothing remains, how long until Paystack's window resets (`x-ratelimit-reset`, or
  /// `Retry-After`, read by paystack::rate_limit_wait): the bucket gives no token before then and
  /// is full again after it. The default does nothing (the fleet's shared budget learns the count
  /// only). Best effort; never fails.
  virtual void observe_reset(std::chrono::milliseconds until_reset);
};

/// A budget for this process only (no database): for a single instance, or a fleet's instances
/// each given their share. Handlers are posted to `executor`. Throws std::invalid_argument for
/// options out of range.
std::shared_ptr<rate_budget> make_local_rate_budget(boost::asio::any_io_executor executor,
                                                    rate_budget_options options);

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
