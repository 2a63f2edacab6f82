// async_charge_on_terminal: presence -> create payment request -> push (once) -> delivery
// polling with backoff -> outcome from the webhook feed, with verify polling as the fallback.
// One coroutine on a strand of the client's executor, one member function per stage
// (check_presence, create_request, push_event, await_outcome with verify); time
// (deadline, poll intervals, waits) comes from the client's time_source. See
// doc/adr/0005-charge-flow.md.
#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <mutex>
#include <paystack/charge.hpp>
#include <paystack/error.hpp>
#include <paystack/limits.hpp>
#include <paystack/payment_request_client.hpp>

#include "charge_journal.hpp"
#include "charge_lookup.hpp"
#include "failpoint.hpp"

namespace paystack {

namespace detail {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using charge_outcome_pair = std::pair<boost::system::error_code, charge_result>;

/// Paystack keeps the delivery status of an event for 48 hours.
constexpr auto delivery_status_window = std::chrono::hours(48);

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
create_payment_request_params request_params(const charge_params& p) {
  create_payment_request_params cp;
  cp.customer = p.customer;
  cp.amount = p.amount;
  cp.line_items = p.line_items;
  cp.tax = p.tax;
  cp.currency = p.currency;
  cp.description = p.description;
  if (p.key) cp.description = cp.description.value_or("") + charge_key_marker(*p.key);
  cp.send_notification = p.send_notification;
  return cp;
}

/// The amount a charge asks for (the amount, or the sum of lines and tax).
std::int64_t request_amount(const charge_params& p) {
  if (p.amount) return *p.amount;
  std::int64_t total = 0;
  for (const auto& l : p.line_items) total += l.amount * l.quantity;
  for (const auto& t : p.tax) total += t.amount;
  return total;
}

std::string describe(const charge_reply& r) {
  if (!r.message.empty()) return r.message;
  if (!r.error_detail.empty()) return r.error_detail;
  return "HTTP " + std::to_string(r.status_code);
}

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
    auto out = co_await journaled_steps();
    sub.reset();
    auto& res = out.second;
    res.elapsed = elapsed();
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

  void progress(charge_stage s, std::string text, unsigned poll = 0) {
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

  /// With a journal: begin (or find) the key's record; replay a finished charge, resume an
  /// unfinished one from its last recorded stage; record the outcome at the end. An outcome
  /// with an error_code (no usable reply, cancellation, a store failure) is not recorded: the
  /// charge stays unfinished at its last stage and resuming continues it.
  asio::awaitable<charge_outcome_pair> journaled_steps() {
    if (!journal_) {
      auto out = co_await steps(charge_journal_stage::started);
      co_return out;
    }
    auto ec = co_await journal_->begin();
    if (ec)
      co_return end(charge_outcome::failed,
                    "the charge store could not record the charge: " + ec.message(), ec);
    const auto& rec = journal_->record();
    if (!journal_->inserted()) {
      if (rec.terminal_id != terminal_id_ || rec.customer != p_.customer ||
          rec.amount != request_amount(p_))
        co_return end(charge_outcome::failed,
                      "key " + rec.key + " is already the charge of " + std::to_string(rec.amount) +
                          " to " + rec.customer + " on terminal " + rec.terminal_id +
                          "; a key is one sale",
                      error::invalid_argument);
      if (rec.stage == charge_journal_stage::finished) co_return std::pair{ec, replay_result(rec)};
      restore_result(rec, r_);
      r_.resumed = true;
    }
    auto out = co_await steps(rec.stage);
    if (out.first) {
      out.second.open = true;  // unfinished: resume continues it
      co_return out;
    }
    const bool open = stays_open(out.second, request_may_exist_);
    auto fin = co_await journal_->finish(out.second, open);
    out.second.open = open;
    if (fin) {
      out.second.reason += " (the charge store could not record this outcome: " + fin.message() +
                           "; resuming the key checks again)";
      out.first = fin;
    }
    co_return out;
  }

  /// Runs the stages from `from` (a recorded stage when resuming) to the outcome.
  asio::awaitable<charge_outcome_pair> steps(charge_journal_stage from) {
    using stage = charge_journal_stage;
    if (from == stage::started && p_.check_presence) {
      auto done = co_await check_presence();
      if (done) co_return std::move(*done);
    }
    if (from != stage::started)
      co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    bool create = from == stage::started;
    if (from == stage::creating) {
      // A request may exist: look for it before creating one (at most one request per key).
      auto found = co_await find_created();
      if (found.first) co_return std::move(*found.first);
      create = !found.second;
    }
    if (create) {
      auto done = co_await create_request();
      if (done) co_return std::move(*done);
    }
    if (from == stage::pushing) {
      // The push may have reached the terminal, unacknowledged: a paid request ends here; else
      // the same request is pushed again (it can be paid at most once).
      std::string why = "resuming an unacknowledged push";
      auto v = co_await verify(std::move(why));
      if (v.first) co_return std::move(*v.first);
      if (v.second == verify_state::paid) co_return end(charge_outcome::paid, "paid (verified)");
    }
    if (from <= stage::pushing) {
      auto done = co_await push_event();
      if (done) co_return std::move(*done);
    }
    auto out = co_await await_outcome();
    co_return out;
  }

  /// Resuming "creating": the request of this key at Paystack, if any. first: the end of the
  /// charge (the lookup got no answer: creating now could make a second request); second:
  /// found (r_.request is set and "created" recorded).
  asio::awaitable<std::pair<step_result, bool>> find_created() {
    request_may_exist_ = true;
    progress(charge_stage::creating_request,
             "looking for the payment request of key " + *p_.key + " at Paystack");
    const auto& rec = journal_->record();
    auto api = bounded();
    auto lookup = find_request_by_key(api, rec.customer, rec.key, rec.created_at_ms);
    auto found = co_await std::move(lookup);
    if (!found.answered)
      co_return std::pair{
          step_result(end(charge_outcome::failed,
                          "could not find out whether key " + rec.key +
                              " already has a payment request (" + found.detail +
                              "); nothing was created: resume it again",
                          found.ec ? found.ec : make_error_code(error::bad_response))),
          false};
    if (!found.request) co_return std::pair{step_result{}, false};
    r_.request = std::move(*found.request);
    auto stop = co_await journal(charge_journal_stage::created, r_.request->request_code);
    co_return std::pair{std::move(stop), true};
  }

  /// Records stage `s` (nothing without a journal). Set: the store failed; the charge ends
  /// before the side effect (or before going on after it).
  asio::awaitable<step_result> journal(charge_journal_stage s, const std::string& detail) {
    if (!journal_) co_return std::nullopt;
    std::string text = detail;
    auto ec = co_await journal_->save(s, r_, std::move(text));
    if (!ec) co_return std::nullopt;
    co_return end(charge_outcome::failed,
                  "the charge store could not record \"" + std::string(to_string(s)) +
                      "\": " + ec.message() + "; stopped there (resume the key to go on)",
                  ec);
  }

  /// 1. Presence: refuse early when the terminal is offline or busy.
  asio::awaitable<step_result> check_presence() {
    using asio::as_tuple;
    using asio::use_awaitable;
    progress(charge_stage::checking_presence,
             "checking that terminal " + terminal_id_ + " is online and available");
    auto api = bounded();  // a local, not a temporary of the co_await's full-expression
    auto [ec, resp] =
        co_await api.async_fetch_terminal_status(terminal_id_, as_tuple(use_awaitable));
    record("fetch_terminal_status", resp);
    if (ec) {
      auto failed = co_await call_failed(ec, "checking presence");
      co_return failed;
    }
    if (!resp.ok())
      co_return end(charge_outcome::failed, "presence check refused: " + describe(*r_.last_reply));
    r_.presence = *resp.data;
    if (!resp.data->online)
      co_return end(charge_outcome::terminal_offline,
                    "terminal " + terminal_id_ + " is offline; nothing was charged");
    if (!resp.data->available)
      co_return end(charge_outcome::terminal_busy, "terminal " + terminal_id_ +
                                                       " is busy (online but not available); "
                                                       "nothing was charged");
    co_return std::nullopt;
  }

  /// 2. The payment request (never repeated).
  asio::awaitable<step_result> create_request() {
    using asio::as_tuple;
    using asio::use_awaitable;
    // "Total" cancellation promises the charge is as if never started: true until the request
    // is created. From here on a created request or a push cannot be undone, so only terminal
    // and partial cancellation are honoured (a total-only request is ignored, as Asio asks).
    {
      const bool stop = co_await cancelled();
      if (stop)
        co_return end(charge_outcome::cancelled, "cancelled before anything was created",
                      asio::error::operation_aborted);
      co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    }
    progress(charge_stage::creating_request, "creating the payment request");
    {
      auto stop = co_await journal(charge_journal_stage::creating, no_detail_);
      if (stop) co_return stop;
    }
    request_may_exist_ = true;
    failpoint("before_create");
    auto cp = request_params(p_);
    payment_request_client api(bounded());
    auto [ec, resp] =
        co_await api.async_create_payment_request(std::move(cp), as_tuple(use_awaitable));
    failpoint("after_create");
    record("create_payment_request", resp);
    if (ec) {
      auto failed = co_await call_failed(ec, "creating the payment request");
      co_return failed;
    }
    if (!resp.ok() && resp.status_code >= 500)
      co_return end(charge_outcome::failed,
                    "creating the payment request got no clear answer (" +
                        describe(*r_.last_reply) +
                        "): a request may exist at Paystack; nothing was pushed");
    if (!resp.ok())
      co_return end(charge_outcome::failed, "payment request refused: " + describe(*r_.last_reply));
    r_.request = std::move(*resp.data);
    {
      auto stop = co_await journal(charge_journal_stage::created, r_.request->request_code);
      if (stop) co_return stop;
    }
    if (!r_.request->offline_reference || r_.request->offline_reference->empty())
      co_return end(charge_outcome::failed,
                    "the payment request has no offline_reference; it cannot be pushed");
    co_return std::nullopt;
  }

  /// 3. The push, exactly once.
  asio::awaitable<step_result> push_event() {
    using asio::as_tuple;
    using asio::use_awaitable;
    progress(charge_stage::pushing_event, "sending payment request " + r_.request->request_code +
                                              " to terminal " + terminal_id_);
    {
      auto stop = co_await journal(charge_journal_stage::pushing, r_.request->request_code);
      if (stop) co_return stop;
    }
    failpoint("before_push");
    auto ev = terminal_event::process_invoice(r_.request->id, *r_.request->offline_reference);
    auto api = bounded();
    auto [ec, resp] =
        co_await api.async_send_event(terminal_id_, std::move(ev), as_tuple(use_awaitable));
    failpoint("after_push");
    record("send_event", resp);
    if (ec) {
      std::string what = "pushing the event (it may have reached the terminal: verify " +
                         r_.request->request_code + " before charging again)";
      auto failed = co_await call_failed(ec, std::move(what));
      co_return failed;
    }
    if (!resp.ok())
      co_return end(charge_outcome::failed,
                    resp.status_code >= 500
                        ? "the push got no clear answer (" + describe(*r_.last_reply) +
                              "): it may have reached the terminal; verify " +
                              r_.request->request_code + " before charging again"
                        : "push refused: " + describe(*r_.last_reply) + "; payment request " +
                              r_.request->request_code + " was not pushed");
    r_.event_id = resp.data->id;
    pushed_at_ = now();
    {
      auto stop = co_await journal(charge_journal_stage::pushed, *r_.event_id);
      if (stop) co_return stop;
    }
    co_return std::nullopt;
  }

  /// 4 and 5. Delivery (polled with backoff), then the outcome (webhooks first, verify polls).
  asio::awaitable<charge_outcome_pair> await_outcome() {
    using asio::as_tuple;
    using asio::use_awaitable;
    progress(charge_stage::awaiting_delivery,
             "waiting for the terminal to pick up event " + *r_.event_id);
    const auto delivery_limit = std::min(deadline_, pushed_at_ + delivery_status_window);
    auto delivery_interval = p_.delivery_poll_initial;
    auto next_delivery_poll = now();
    const auto verify_interval =
        p_.webhooks ? p_.verify_fallback_interval : p_.verify_poll_interval;
    // Resumed after "delivered": verify at once.
    auto next_verify = r_.delivered ? now() : clock::time_point::max();
    bool delivery_answered = false;  // the last delivery poll got Paystack's answer
    if (r_.resumed) pushed_at_ = now();

    for (;;) {
      // Webhooks first: they may decide before any poll does.
      bool verify_now = false;
      bool declined = false;
      for (auto& e : box_->take()) {
        switch (match(e)) {
          case verdict::paid:
            r_.decided_by = "webhook";
            r_.delivered = true;
            co_return end(charge_outcome::paid, "paid (paymentrequest.success)");
          case verdict::declined:
            declined = true;
            break;
          case verdict::verify:
            verify_now = true;
            break;
          case verdict::none:
            break;
        }
      }
      if (declined || verify_now) {
        std::string why =
            declined ? "confirming invoice.payment_failed" : "confirming charge.success";
        auto v = co_await verify(std::move(why));
        if (v.first) co_return std::move(*v.first);
        if (v.second == verify_state::paid) {
          r_.delivered = true;
          co_return end(charge_outcome::paid, "paid (verified)");
        }
        if (declined) {
          r_.decided_by = "webhook";
          co_return end(charge_outcome::declined,
                        "the payment failed on the terminal (invoice.payment_failed)");
        }
      }

      const auto at = now();
      if (!r_.delivered && at >= delivery_limit) {
        // "not delivered" only when Paystack said so; a poll that got no answer proves nothing.
        if (!delivery_answered)
          co_return end(charge_outcome::timed_out,
                        "delivery of event " + *r_.event_id +
                            " could not be checked before the deadline (" +
                            (r_.last_reply ? describe(*r_.last_reply) : std::string("no reply")) +
                            "); payment request " + r_.request->request_code +
                            " may still be paid: verify it before charging again");
        co_return end(charge_outcome::not_delivered,
                      "terminal " + terminal_id_ + " did not pick up event " + *r_.event_id +
                          " before the deadline; payment request " + r_.request->request_code +
                          " stays open (it can still be paid by its offline reference)");
      }
      if (at >= deadline_)
        co_return end(charge_outcome::timed_out,
                      "no outcome before the deadline; payment request " +
                          r_.request->request_code + " is still " + r_.request->status);

      if (!r_.delivered && at >= next_delivery_poll) {
        failpoint("awaiting_delivery");
        ++r_.delivery_polls;
        progress(charge_stage::awaiting_delivery,
                 "checking delivery of event " + *r_.event_id + " (poll " +
                     std::to_string(r_.delivery_polls) + ")",
                 r_.delivery_polls);
        auto api = bounded();
        auto [ec, resp] = co_await api.async_fetch_event_status(terminal_id_, *r_.event_id,
                                                                as_tuple(use_awaitable));
        record("fetch_event_status", resp);
        const bool stop = co_await cancelled();
        if (ec && stop)
          co_return end(charge_outcome::cancelled, "cancelled while waiting for delivery",
                        asio::error::operation_aborted);
        delivery_answered = !ec && resp.ok();
        if (!ec && resp.ok() && resp.data->delivered) {
          r_.delivered = true;
          auto unrecorded = co_await journal(charge_journal_stage::delivered, *r_.event_id);
          if (unrecorded) co_return std::move(*unrecorded);
          failpoint("awaiting_outcome");
          progress(charge_stage::awaiting_payment,
                   std::string("delivered; waiting for the customer to pay") +
                       (p_.webhooks ? " (webhooks, verify as fallback)" : " (verify polling)"));
          // A resumed charge checks at once: the customer may have paid while it was down.
          next_verify = r_.resumed ? now() : now() + verify_interval;
          continue;
        }
        if (!ec && !resp.ok()) {
          if (resp.code == "INVALID_PUSH_ID" || resp.status_code == 404)
            co_return end(charge_outcome::not_delivered, "event " + *r_.event_id +
                                                             " is unknown to Paystack (" +
                                                             describe(*r_.last_reply) + ")");
          // Any other refusal is repeated until the deadline: the event was pushed and the
          // customer may pay, so a poll never ends the charge as "failed".
        }
        next_delivery_poll = now() + delivery_interval;
        delivery_interval = std::min(
            p_.delivery_poll_max,
            milliseconds(static_cast<milliseconds::rep>(
                static_cast<double>(delivery_interval.count()) * p_.delivery_poll_multiplier)));
        continue;
      }

      if (r_.delivered && at >= next_verify) {
        std::string why = "checking payment";
        auto v = co_await verify(std::move(why));
        if (v.first) co_return std::move(*v.first);
        if (v.second == verify_state::paid) co_return end(charge_outcome::paid, "paid (verified)");
        if (v.second == verify_state::failed) {
          r_.decided_by = "verify";
          co_return end(charge_outcome::declined,
                        "payment request " + r_.request->request_code + " failed");
        }
        next_verify = now() + verify_interval;
        continue;
      }

      auto wake = std::min(deadline_, r_.delivered ? next_verify : next_delivery_poll);
      if (!r_.delivered) wake = std::min(wake, delivery_limit);
      co_await sleep_until(wake);
      const bool stop = co_await cancelled();
      if (stop)
        co_return end(charge_outcome::cancelled,
                      r_.delivered ? "cancelled while waiting for payment"
                                   : "cancelled while waiting for delivery",
                      asio::error::operation_aborted);
    }
  }

  enum class verdict { none, paid, declined, verify };
  enum class verify_state { unknown, pending, paid, failed };

  bool is_ours(const std::optional<std::string>& code) const {
    return code && (*code == r_.request->request_code ||
                    (r_.request->offline_reference && *code == *r_.request->offline_reference));
  }

  verdict match(const webhook_event& e) {
    const auto& pr = *r_.request;
    switch (e.type) {
      case webhook_event_type::payment_request_success: {
        const auto& d = std::get<payment_request>(e.data);
        if (d.id != pr.id && d.request_code != pr.request_code) return verdict::none;
        r_.request = d;
        return d.paid || d.status == "success" ? verdict::paid : verdict::verify;
      }
      case webhook_event_type::invoice_payment_failed: {
        const auto& d = std::get<invoice_payment_failed_data>(e.data);
        if (is_ours(d.invoice_code) || is_ours(d.request_code) || is_ours(d.offline_reference))
          return verdict::declined;
        return verdict::none;
      }
      case webhook_event_type::charge_success: {
        const auto& d = std::get<charge_success_data>(e.data);
        if (d.terminal_id != terminal_id_) return verdict::none;
        candidate_reference_ = d.reference;
        return verdict::verify;
      }
      case webhook_event_type::payment_request_pending:
      case webhook_event_type::refund_pending:
      case webhook_event_type::refund_processing:
      case webhook_event_type::refund_processed:
      case webhook_event_type::refund_failed:
      case webhook_event_type::other:
        break;
    }
    return verdict::none;
  }

  /// One Verify Payment Request call. first: set when the flow must end (cancelled).
  asio::awaitable<std::pair<std::optional<charge_outcome_pair>, verify_state>> verify(
      std::string why) {
    ++r_.verify_polls;
    progress(charge_stage::awaiting_payment,
             why + ": verifying " + r_.request->request_code + " (poll " +
                 std::to_string(r_.verify_polls) + ")",
             r_.verify_polls);
    payment_request_client api(bounded());
    auto [ec, resp] = co_await api.async_verify_payment_request(
        r_.request->request_code, asio::as_tuple(asio::use_awaitable));
    record("verify_payment_request", resp);
    const bool stop = co_await cancelled();
    if (ec && stop)
      co_return std::pair{
          std::optional(end(charge_outcome::cancelled, "cancelled while waiting for payment",
                            asio::error::operation_aborted)),
          verify_state::unknown};
    if (ec || !resp.ok())
      co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::unknown};
    r_.request = std::move(*resp.data);
    if (r_.request->paid || r_.request->status == "success") {
      r_.decided_by = "verify";
      if (candidate_reference_) r_.transaction_reference = candidate_reference_;
      co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::paid};
    }
    if (r_.request->status == "failed")
      co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::failed};
    co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::pending};
  }

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
  std::optional<charge_journal> journal_;  ///< with a store and a key
  bool request_may_exist_ = false;         ///< Create Payment Request was (or may have been) sent
  const std::string no_detail_;            ///< an empty journal detail (a named lvalue: GCC 12)
};

std::string check_params(const std::string& terminal_id, const charge_params& p) {
  if (terminal_id.empty() || terminal_id.size() > max_id_length)
    return "terminal_id must be 1 to " + std::to_string(max_id_length) + " characters";
  // The payment request's own checks: everything Create Payment Request would refuse is
  // refused here, before the presence check sends anything.
  if (auto why = check_payment_request_params(request_params(p)); !why.empty()) return why;
  if (p.timeout <= milliseconds(0)) return "timeout must be positive";
  if (p.delivery_poll_initial <= milliseconds(0) || p.delivery_poll_max <= milliseconds(0) ||
      p.verify_poll_interval <= milliseconds(0) || p.verify_fallback_interval <= milliseconds(0))
    return "poll intervals must be positive";
  if (!(p.delivery_poll_multiplier >= 1.0)) return "delivery_poll_multiplier must be >= 1";
  if (p.key) {
    if (auto why = check_charge_key(*p.key); !why.empty()) return why;
  }
  if (p.store && !p.key) return "a charge store needs a key (charge_params::key)";
  return {};
}

}  // namespace

void start_charge_on_terminal(terminal_client client, std::string terminal_id, charge_params params,
                              asio::any_completion_handler<charge_signature> handler) {
  auto refuse = [&](boost::system::error_code ec, std::string reason) {
    charge_result r;
    r.outcome = charge_outcome::failed;
    r.reason = std::move(reason);
    // The handler's own associated executor is used when the posted function runs.
    asio::post(client.get_executor(), asio::append(std::move(handler), ec, std::move(r)));
  };
  if (auto ec = client.configuration_error())
    return refuse(ec, "the client is misconfigured: " + ec.message());
  if (auto why = check_params(terminal_id, params); !why.empty())
    return refuse(error::invalid_argument, std::move(why));

  auto ex = asio::get_associated_executor(handler, client.get_executor());
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto strand = asio::make_strand(client.get_executor());
  auto flow = std::make_shared<charge_flow>(std::move(client), std::move(terminal_id),
                                            std::move(params), strand);
  asio::co_spawn(
      strand, [flow]() { return flow->run(); },
      asio::bind_executor(
          ex,
          asio::bind_cancellation_slot(
              slot, [h = std::move(handler)](std::exception_ptr ep, charge_outcome_pair o) mutable {
                if (ep) std::rethrow_exception(ep);  // thrown by the caller's on_progress
                std::move(h)(o.first, std::move(o.second));
              })));
}

}  // namespace detail
}  // namespace paystack
