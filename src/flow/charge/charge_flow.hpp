// The charge flow's coroutine class, shared by its two files: charge.cpp (the run, presence,
// create, push, the journal) and charge_outcome.cpp (delivery and outcome: webhooks, polls,
// verify). Private to src/flow.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <paystack/charge.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/tracing.hpp>
#include <string>
#include <utility>

#include "charge_journal.hpp"
#include "charge_lookup.hpp"
#include "failpoint.hpp"
#include "flow_metrics.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::charge_impl {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using charge_outcome_pair = std::pair<boost::system::error_code, charge_result>;

/// Paystack keeps the delivery status of an event for 48 hours.
inline constexpr auto delivery_status_window = std::chrono::hours(48);

/// Webhook events handed over by the feed (any thread) to the flow (its strand).
struct mailbox {
  explicit mailbox(const asio::strand<asio::any_io_executor>& s) : strand(s) {}
  asio::strand<asio::any_io_executor> strand;
  /// The flow's sleep is bound to it; emitted to wake the flow up (strand only).
  asio::cancellation_signal wake;
  std::mutex mutex;
  std::deque<webhook_event> events;

  void push(const webhook_event& e) {
    {
      std::lock_guard lk(mutex);
      events.push_back(e);
    }
    // The wake-up runs on the strand: either before the flow drains the queue (it sees the
    // event) or while it sleeps (it wakes up). No wake-up is lost.
    asio::post(strand, [self = this, keep = keep_alive.lock()] {
      if (keep) self->wake.emit(asio::cancellation_type::all);
    });
  }
  std::deque<webhook_event> take() {
    std::lock_guard lk(mutex);
    return std::exchange(events, {});
  }
  std::weak_ptr<mailbox> keep_alive;
};

/// The payment request a charge creates.
create_payment_request_params request_params(const charge_params& p);

/// The amount a charge asks for (the amount, or the sum of lines and tax).
std::int64_t request_amount(const charge_params& p);

std::string describe(const charge_reply& r);

class charge_flow {
 public:
  charge_flow(terminal_client client, std::string terminal_id, charge_params params,
              asio::strand<asio::any_io_executor> strand)
      : client_(std::move(client)),
        time_(client_.time()),
        terminal_id_(std::move(terminal_id)),
        p_(std::move(params)),
        start_(time_->now()),
        deadline_(start_ + p_.timeout),
        box_(std::make_shared<mailbox>(strand)) {
    box_->keep_alive = box_;
    // A store shared by a fleet hands over webhooks another process received.
    if (p_.store && !p_.webhooks) {
      p_.webhooks = p_.store->shared_webhooks();
      store_feed_ = p_.webhooks != nullptr;
    }
    if (p_.store && p_.key) {
      charge_record rec;
      rec.key = *p_.key;
      rec.terminal_id = terminal_id_;
      rec.customer = p_.customer;
      rec.amount = request_amount(p_);
      rec.currency = p_.currency.value_or("");
      journal_.emplace(p_.store, std::move(rec));
    }
  }

  asio::awaitable<charge_outcome_pair> run() {
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    webhook_feed::subscription sub;
    if (p_.webhooks) {
      sub = p_.webhooks->subscribe([box = box_](const webhook_event& e) { box->push(e); });
    }
    // In flight until the outcome (or until the coroutine is destroyed).
    struct in_flight {
      metrics::gauge& g = flow_metrics::get().in_flight;
      in_flight() { g.inc(); }
      ~in_flight() { g.dec(); }
    } counted;
    auto out = co_await journaled_steps();
    sub.reset();
    auto& res = out.second;
    res.elapsed = elapsed();
    end_stage_span(!out.first);
    if (!res.replayed) {  // a replay ran nothing: the charge was counted when it ended
      const auto outcome = to_string(res.outcome);
      flow_metrics::get().charges.with({outcome}).inc();
      flow_metrics::get().charge_duration.with({outcome}).observe(
          std::chrono::duration<double>(res.elapsed).count());
    }
    if (p_.on_progress) {
      charge_progress pr;
      pr.stage = charge_stage::done;
      pr.text = std::string(to_string(res.outcome)) + ": " + res.reason;
      pr.elapsed = res.elapsed;
      if (res.request) pr.request_code = res.request->request_code;
      pr.event_id = res.event_id;
      p_.on_progress(pr);
    }
    co_return out;
  }

 private:
  // ---- helpers ---------------------------------------------------------------------------------

  clock::time_point now() const { return time_->now(); }
  milliseconds elapsed() const { return std::chrono::duration_cast<milliseconds>(now() - start_); }
  milliseconds remaining() const {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline_ - now()));
  }
  bool expired() const { return now() >= deadline_; }

  /// Sleeps until `until` on the client's time source. A webhook (the mailbox) or the caller's
  /// cancellation (forwarded from the coroutine's cancellation slot) ends the sleep early.
  asio::awaitable<void> sleep_until(clock::time_point until) {
    const auto d =
        std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(until - now()));
    auto cs = co_await asio::this_coro::cancellation_state;
    auto outer = cs.slot();
    if (outer.is_connected())
      outer.assign([box = box_](asio::cancellation_type t) { box->wake.emit(t); });
    // The initiation and the operation are named locals: GCC 12 destroys a lambda that is a
    // temporary of a co_await's full-expression twice (it released time_ once too often).
    auto initiation = [time = time_, strand = box_->strand, slot = box_->wake.slot(),
                       d](auto handler) mutable {
      // Runs on the strand, as the wake-ups do: once the sleep is over, a late wake-up must
      // not reach the finished sleep's cancellation handler (its timer is gone).
      auto done = [slot, h = std::move(handler)](boost::system::error_code e) mutable {
        slot.clear();
        std::move(h)(e);
      };
      time->async_sleep(strand, d, asio::bind_cancellation_slot(slot, std::move(done)));
    };
    auto token = asio::as_tuple(asio::use_awaitable);
    auto sleep = asio::async_initiate<decltype(token), void(boost::system::error_code)>(
        std::move(initiation), token);
    auto [ec] = co_await std::move(sleep);
    (void)ec;  // expired, or woken up
    if (outer.is_connected()) outer.clear();
  }
  /// A view of the client whose calls end by the deadline.
  terminal_client bounded() const {
    return client_.with({.timeout = std::max(remaining(), milliseconds(1))});
  }

  /// Ends the current stage's span (tracing), if any.
  void end_stage_span(bool ok) {
    if (!stage_span_) return;
    try {
      if (r_.stage == charge_stage::done || ok)
        stage_span_->set_attribute({"outcome", to_string(r_.outcome)});
      stage_span_->end(ok);
    } catch (...) {
      // A tracer must not break the charge it traces.
    }
    stage_span_.reset();
  }

  /// A span per stage (paystack/tracing.hpp): the previous one ends when the next starts.
  void trace_stage(charge_stage s) {
    if (s == r_.stage && stage_span_) return;  // another poll of the same stage
    if (stage_span_) {
      try {
        stage_span_->end(true);
      } catch (...) {
      }
      stage_span_.reset();
    }
    if (!tracing::tracing_enabled() || s == charge_stage::done) return;
    static constexpr std::string_view names[] = {
        "paystack.charge.checking_presence", "paystack.charge.creating_request",
        "paystack.charge.pushing_event",     "paystack.charge.awaiting_delivery",
        "paystack.charge.awaiting_payment",  "paystack.charge.done"};
    const tracing::attribute attrs[] = {{"terminal_id", std::string_view(terminal_id_)}};
    stage_span_ = tracing::start_span(names[static_cast<int>(s)], attrs);
  }

  void progress(charge_stage s, std::string text, unsigned poll = 0) {
    trace_stage(s);
    r_.stage = s;
    if (!p_.on_progress) return;
    charge_progress pr;
    pr.stage = s;
    pr.text = std::move(text);
    pr.elapsed = elapsed();
    pr.poll = poll;
    if (r_.request) pr.request_code = r_.request->request_code;
    pr.event_id = r_.event_id;
    p_.on_progress(pr);
  }

  static asio::awaitable<bool> cancelled() {
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return cs.cancelled() != asio::cancellation_type::none;
  }

  template <class T>
  void record(std::string_view op, const response<T>& resp) {
    charge_reply rep;
    rep.operation = std::string(op);
    rep.status_code = resp.status_code;
    rep.message = resp.message;
    rep.code = resp.code;
    rep.error_detail = resp.error_detail;
    r_.last_reply = std::move(rep);
  }

  charge_outcome_pair end(charge_outcome o, std::string reason, boost::system::error_code ec = {}) {
    r_.outcome = o;
    r_.reason = std::move(reason);
    return {ec, std::move(r_)};
  }

  /// The end of a step whose call got no usable reply (create, push, presence).
  asio::awaitable<charge_outcome_pair> call_failed(boost::system::error_code ec, std::string what) {
    // Bound first: a co_await inside a condition is miscompiled by GCC 12 (issue 11).
    const bool was_cancelled = co_await cancelled();
    if (was_cancelled)
      co_return end(charge_outcome::cancelled, "cancelled while " + what,
                    asio::error::operation_aborted);
    if (expired()) co_return end(charge_outcome::timed_out, "the deadline passed while " + what);
    co_return end(charge_outcome::failed,
                  what + " failed: " + (r_.last_reply ? describe(*r_.last_reply) : ec.message()),
                  ec);
  }

  // ---- the flow --------------------------------------------------------------------------------

  /// The end of the charge when a stage ends it; nullopt: go on with the next stage.
  using step_result = std::optional<charge_outcome_pair>;

  /// After a 429 (issue 15: a rate limit never ends a charge while its deadline allows
  /// waiting): waits as response_headers::requested_wait says (Retry-After as seconds or an
  /// HTTP date, else x-ratelimit-reset as seconds or a Unix time; at least 100 ms), else 250 ms
  /// doubling to 8 s, and the caller sends again (Paystack did not act
  /// on a request it answered 429, so this is safe for the create and the push too). Set: the
  /// end of the charge, cancelled or at the deadline, its reason ending with `not_done` (what
  /// was not done, e.g. "nothing was created"). `waits` counts the waits of this step.
  asio::awaitable<step_result> wait_rate_limited(const response_headers& headers, unsigned& waits,
                                                 const std::string& not_done);

  /// With a journal: begin (or find) the key's record; replay a finished charge, resume an
  /// unfinished one from its last recorded stage; record the outcome at the end. An outcome
  /// with an error_code (no usable reply, cancellation, a store failure) is not recorded: the
  /// charge stays unfinished at its last stage and resuming continues it.
  asio::awaitable<charge_outcome_pair> journaled_steps();

  /// The end of a journaled charge that stops unfinished (an error): open, its lease marked
  /// stopped when a push may have happened (else released).
  asio::awaitable<charge_outcome_pair> stop_unfinished(charge_outcome_pair out);

  /// Runs the stages from `from` (a recorded stage when resuming) to the outcome.
  asio::awaitable<charge_outcome_pair> steps(charge_journal_stage from);

  /// Resuming "creating": the request of this key at Paystack, if any. first: the end of the
  /// charge (the lookup got no answer: creating now could make a second request); second:
  /// found (r_.request is set and "created" recorded).
  asio::awaitable<std::pair<step_result, bool>> find_created();

  /// Records stage `s` (nothing without a journal). Set: the store failed; the charge ends
  /// before the side effect (or before going on after it).
  asio::awaitable<step_result> journal(charge_journal_stage s, const std::string& detail);

  /// 1. Presence: refuse early when the terminal is offline or busy.
  asio::awaitable<step_result> check_presence();

  /// 2. The payment request (never repeated).
  asio::awaitable<step_result> create_request();

  /// 3. The push, exactly once.
  asio::awaitable<step_result> push_event();

  /// With a store that leases terminals: takes the terminal's lease (waiting for it until the
  /// deadline when params ask), so that every later journal write carries its fencing token,
  /// and renews it every third of charge_params::lease_ttl until release_lease. A lease held
  /// for this charge's own key by another holder is waited for as long as it has left: a dead
  /// holder's expires and is taken over, a live one renews it and keeps this run out (an
  /// error, nothing recorded). In charge_lease.cpp.
  asio::awaitable<step_result> take_lease();
  /// Stops the renewal and releases the lease take_lease took (best effort: it expires
  /// anyway), or with `keep_for` marks it stopped for that long: it then keeps other charges off
  /// the terminal until it expires, and this key's resume takes it over.
  asio::awaitable<void> release_lease(std::optional<milliseconds> keep_for = std::nullopt);

  /// Whether an outcome leaves a request that must be closed: declined, timed out, not
  /// delivered or cancelled once a request exists (and not charge_params::keep_open).
  bool must_archive(const charge_outcome_pair& out) const;
  /// Closes the request of a charge that ended unpaid (in charge_close.cpp): journals
  /// "archiving", verifies once more, archives, and checks again (a payment that raced the
  /// archive makes the charge paid). Set: the close could not be completed (no answer, or the
  /// store failed): the request may still be payable and the charge stays at "archiving" for a
  /// resume or the reconciler.
  asio::awaitable<std::optional<std::string>> archive_unpaid(charge_outcome_pair& out);

  /// Claims a webhook about this charge (charge_store::async_claim_webhook) before acting on
  /// it: false when another process's charge claimed it or the store did not answer. The
  /// charge then ignores the event; its verify polls still decide.
  asio::awaitable<bool> claim(const webhook_event& e);

  /// 4 and 5. Delivery (polled with backoff), then the outcome (webhooks first, verify polls);
  /// in charge_outcome.cpp, with its parts below.
  asio::awaitable<charge_outcome_pair> await_outcome();

  /// The state of await_outcome's wait.
  struct outcome_wait {
    clock::time_point delivery_limit;  ///< the deadline, or Paystack's 48 h delivery window
    clock::time_point next_delivery_poll;
    clock::time_point next_verify;  ///< max() until delivered
    milliseconds delivery_interval{0};
    milliseconds verify_interval{0};
    bool webhooks_first = false;     ///< the caller's feed: verify only as the fallback
    bool delivery_answered = false;  ///< the last delivery poll got Paystack's answer
  };
  /// The webhooks the mailbox holds: set when one decides the charge (a decline or a payment
  /// is confirmed by a verify first).
  asio::awaitable<step_result> take_webhooks();
  /// Set when the delivery window or the deadline has passed: not delivered or timed out.
  step_result past_deadline(const outcome_wait& w);
  /// One Fetch Event Status poll (then the next poll's time, backing off).
  asio::awaitable<step_result> poll_delivery(outcome_wait& w);
  /// One Verify poll after delivery.
  asio::awaitable<step_result> poll_verify(outcome_wait& w);

  enum class verdict { none, paid, declined, verify };
  enum class verify_state { unknown, pending, paid, failed };

  bool is_ours(const std::optional<std::string>& code) const {
    return code && (*code == r_.request->request_code ||
                    (r_.request->offline_reference && *code == *r_.request->offline_reference));
  }

  verdict match(const webhook_event& e);

  /// One Verify Payment Request call. first: set when the flow must end (cancelled).
  asio::awaitable<std::pair<std::optional<charge_outcome_pair>, verify_state>> verify(
      std::string why);

  std::unique_ptr<tracing::span> stage_span_;  ///< the current stage's, when traced
  terminal_client client_;
  std::shared_ptr<time_source> time_;  ///< the client's: deadline, intervals, waits
  std::string terminal_id_;
  charge_params p_;
  clock::time_point start_;
  clock::time_point deadline_;
  std::shared_ptr<mailbox> box_;
  charge_result r_;
  std::optional<std::string> candidate_reference_;
  clock::time_point pushed_at_;
  std::optional<charge_journal> journal_;        ///< with a store and a key
  std::int64_t lease_token_ = 0;                 ///< the terminal lease's fencing token, when held
  std::shared_ptr<struct lease_keeper> keeper_;  ///< renews the lease while the charge runs
  bool store_feed_ = false;         ///< p_.webhooks is the store's shared feed, not the caller's
  bool request_may_exist_ = false;  ///< Create Payment Request was (or may have been) sent
  boost::system::error_code last_verify_ec_;  ///< the last Verify's transport error, if any
  const std::string no_detail_;               ///< an empty journal detail (a named lvalue: GCC 12)
};

}  // namespace detail::charge_impl
}  // namespace v0
}  // namespace paystack
