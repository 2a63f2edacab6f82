// async_charge_on_terminal: presence -> create payment request -> push (once) -> delivery
// polling with backoff -> outcome from the webhook feed, with verify polling as the fallback.
// One coroutine on a strand of the client's executor (the class charge_flow, charge_flow.hpp),
// one member function per stage: here the run, the journal, check_presence, create_request and
// push_event; await_outcome (delivery and outcome, one wait) in charge_outcome.cpp. Time
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

#include "charge_flow.hpp"
#include "charge_lookup.hpp"
#include "failpoint.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::charge_impl {

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

asio::awaitable<charge_outcome_pair> charge_flow::journaled_steps() {
  if (!journal_) {
    auto out = co_await steps(charge_journal_stage::started);
    if (must_archive(out)) {
      auto failed = co_await archive_unpaid(out);
      if (failed) out.second.reason += *failed;
      out.second.open = failed.has_value();
    } else if (!out.first) {
      out.second.open =
          (p_.keep_open && r_.request && out.second.outcome != charge_outcome::paid) ||
          stays_open(out.second, request_may_exist_);
    }
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
  auto leased = co_await take_lease();
  auto out = leased ? std::move(*leased) : charge_outcome_pair{};
  if (!leased && rec.stage == charge_journal_stage::archiving) {
    // Stopped while closing an unpaid charge: close it (its outcome is recorded).
    r_.outcome = rec.outcome.value_or(charge_outcome::failed);
    r_.reason = rec.reason;
    out = charge_outcome_pair{boost::system::error_code{}, r_};
  } else if (!leased) {
    auto stepped = co_await steps(rec.stage);
    out = std::move(stepped);
  }
  if (out.first) {
    auto stopped = co_await stop_unfinished(std::move(out));
    co_return stopped;
  }
  bool archived = false;
  if (must_archive(out)) {
    auto failed = co_await archive_unpaid(out);
    if (failed) {
      // The request may still be payable: the charge stays at "archiving" (resume or
      // reconcile closes it).
      out.second.reason += *failed;
      out.second.open = true;
      co_await release_lease();
      co_return out;
    }
    archived = out.second.outcome != charge_outcome::paid;
  }
  const bool kept_open = p_.keep_open && r_.request && out.second.outcome != charge_outcome::paid;
  const bool open = !archived && (kept_open || stays_open(out.second, request_may_exist_));
  auto fin = co_await journal_->finish(out.second, open);
  out.second.open = open;
  if (fin) {
    out.second.reason += " (the charge store could not record this outcome: " + fin.message() +
                         "; resuming the key checks again)";
    out.first = fin;
  }
  // A charge kept open keeps its terminal for the customer who will pay by the offline
  // reference, until the lease expires or the reconciler closes the charge.
  co_await release_lease(kept_open && !fin
                             ? std::optional<milliseconds>(p_.timeout + std::chrono::seconds(30))
                             : std::nullopt);
  co_return out;
}

asio::awaitable<charge_outcome_pair> charge_flow::stop_unfinished(charge_outcome_pair out) {
  out.second.open = true;  // unfinished: resume continues it
  // Stopped after a push may have happened: the customer may still pay at the terminal, so the
  // lease stays (marked stopped) until the deadline has passed; this key's resume takes it over.
  const auto at = journal_->record().stage;
  const bool keep = at == charge_journal_stage::pushing || at == charge_journal_stage::pushed ||
                    at == charge_journal_stage::delivered;
  co_await release_lease(keep ? std::optional(remaining() + std::chrono::seconds(30))
                              : std::nullopt);
  co_return out;
}

asio::awaitable<charge_outcome_pair> charge_flow::steps(charge_journal_stage from) {
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
    // ADR 0008 rule 2: pushed again only when Verify says the request is not paid. Unknown:
    // nothing is pushed, the charge stays unfinished at "pushing" (resume it again).
    if (v.second == verify_state::unknown)
      co_return end(charge_outcome::failed,
                    "could not verify " + r_.request->request_code + " before pushing it again (" +
                        (r_.last_reply ? describe(*r_.last_reply) : std::string("no reply")) +
                        "); nothing was pushed: resume it again",
                    last_verify_ec_ ? last_verify_ec_ : make_error_code(error::bad_response));
  }
  if (from <= stage::pushing) {
    auto done = co_await push_event();
    if (done) co_return std::move(*done);
  }
  auto out = co_await await_outcome();
  co_return out;
}

asio::awaitable<std::pair<charge_flow::step_result, bool>> charge_flow::find_created() {
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

asio::awaitable<charge_flow::step_result> charge_flow::journal(charge_journal_stage s,
                                                               const std::string& detail) {
  if (!journal_) co_return std::nullopt;
  std::string text = detail;
  auto ec = co_await journal_->save(s, r_, std::move(text));
  if (!ec) co_return std::nullopt;
  co_return end(charge_outcome::failed,
                "the charge store could not record \"" + std::string(to_string(s)) +
                    "\": " + ec.message() + "; stopped there (resume the key to go on)",
                ec);
}

asio::awaitable<charge_flow::step_result> charge_flow::wait_rate_limited(
    const response_headers& headers, unsigned& waits, const std::string& not_done) {
  milliseconds delay = std::min(milliseconds(8000), milliseconds(250 << std::min(waits, 5u)));
  // The one reader of the wait headers (rate_limit_wait): Retry-After as seconds or an HTTP
  // date, else x-ratelimit-reset as seconds or a Unix time.
  if (auto asked = headers.requested_wait()) delay = std::max(milliseconds(100), *asked);
  ++waits;
  if (now() + delay >= deadline_)
    co_return end(charge_outcome::failed,
                  "rate limited by Paystack (HTTP 429) until the deadline; " + not_done);
  progress(r_.stage, "rate limited by Paystack (HTTP 429): sending again in " +
                         std::to_string(delay.count()) + " ms");
  co_await sleep_until(now() + delay);
  const bool stop = co_await cancelled();
  if (stop)
    co_return end(charge_outcome::cancelled, "cancelled while rate limited (HTTP 429); " + not_done,
                  asio::error::operation_aborted);
  co_return std::nullopt;
}

asio::awaitable<charge_flow::step_result> charge_flow::check_presence() {
  using asio::as_tuple;
  using asio::use_awaitable;
  progress(charge_stage::checking_presence,
           "checking that terminal " + terminal_id_ + " is online and available");
  boost::system::error_code ec;
  response<terminal_status> resp;
  for (unsigned waits = 0;;) {
    auto api = bounded();  // a local, not a temporary of the co_await's full-expression
    auto [e, answer] =
        co_await api.async_fetch_terminal_status(terminal_id_, as_tuple(use_awaitable));
    record("fetch_terminal_status", answer);
    ec = e;
    resp = std::move(answer);
    if (ec || resp.status_code != 429) break;
    const std::string not_done = "checking presence; nothing was charged";
    auto stop = co_await wait_rate_limited(resp.headers, waits, not_done);
    if (stop) co_return stop;
  }
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

asio::awaitable<charge_flow::step_result> charge_flow::create_request() {
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
  boost::system::error_code ec;
  response<payment_request> resp;
  for (unsigned waits = 0;;) {
    auto cp = request_params(p_);
    payment_request_client api(bounded());
    auto [e, answer] =
        co_await api.async_create_payment_request(std::move(cp), as_tuple(use_awaitable));
    failpoint("after_create");
    record("create_payment_request", answer);
    ec = e;
    resp = std::move(answer);
    if (ec || resp.status_code != 429) break;
    const std::string not_done = "no payment request was created";
    auto stop = co_await wait_rate_limited(resp.headers, waits, not_done);
    if (stop) co_return stop;
  }
  if (ec) {
    auto failed = co_await call_failed(ec, "creating the payment request");
    co_return failed;
  }
  if (!resp.ok() && resp.status_code >= 500)
    co_return end(charge_outcome::failed,
                  "creating the payment request got no clear answer (" + describe(*r_.last_reply) +
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

asio::awaitable<charge_flow::step_result> charge_flow::push_event() {
  using asio::as_tuple;
  using asio::use_awaitable;
  progress(charge_stage::pushing_event,
           "sending payment request " + r_.request->request_code + " to terminal " + terminal_id_);
  {
    auto stop = co_await journal(charge_journal_stage::pushing, r_.request->request_code);
    if (stop) co_return stop;
  }
  failpoint("before_push");
  boost::system::error_code ec;
  response<event_ack> resp;
  for (unsigned waits = 0;;) {
    auto ev = terminal_event::process_invoice(r_.request->id, *r_.request->offline_reference);
    auto api = bounded();
    auto [e, answer] =
        co_await api.async_send_event(terminal_id_, std::move(ev), as_tuple(use_awaitable));
    failpoint("after_push");
    record("send_event", answer);
    ec = e;
    resp = std::move(answer);
    if (ec || resp.status_code != 429) break;
    const std::string not_done = "payment request " + r_.request->request_code + " was not pushed";
    auto stop = co_await wait_rate_limited(resp.headers, waits, not_done);
    if (stop) co_return stop;
  }
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

}  // namespace detail::charge_impl
}  // namespace v0
}  // namespace paystack

namespace paystack {
inline namespace v0 {

namespace detail {
namespace {

namespace asio = boost::asio;
using charge_impl::charge_flow;
using charge_impl::charge_outcome_pair;
using charge_impl::request_params;
using std::chrono::milliseconds;

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
}  // namespace v0
}  // namespace paystack
