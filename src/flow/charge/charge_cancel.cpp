// Cancel (async_cancel_charge, doc/charges.md): Paystack has no cancel, so the charge's payment
// request is archived once Verify says it is unpaid, with the intent journaled first (stage
// "archiving") and the request checked again after the archive; and the lease a recovery step
// (cancel, the reconciler) takes on an unfinished charge's terminal.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/error.hpp>

#include "charge_lookup.hpp"
#include "recovery.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using boost::system::error_code;
using cancel_pair = std::pair<error_code, cancel_result>;

namespace {

/// How long a recovery step's lease lasts (it is released when the step ends).
constexpr std::chrono::milliseconds recovery_lease_ttl{60'000};

}  // namespace

/// Takes the lease of `rec`'s terminal for its key. A lease of the same key held by another
/// holder is waited for (when `wait`) as long as it had left: a dead holder's expires. A lease
/// of another charge leaves token 0: this charge's holder is gone (its writes without a token
/// are refused only while a live lease names its key).
asio::awaitable<recovery_lease> lease_for(const std::shared_ptr<charge_store>& store,
                                          const charge_record& rec, bool wait) {
  recovery_lease out;
  if (!store->leases_terminals()) co_return out;
  std::optional<std::chrono::steady_clock::time_point> until;
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    auto acquire = store->async_acquire_lease(rec.terminal_id, rec.key, recovery_lease_ttl,
                                              as_tuple(use_awaitable));
    auto [ec, lease] = co_await std::move(acquire);
    if (ec) {
      out.ec = ec;
      co_return out;
    }
    if (lease.acquired) {
      out.token = lease.fencing_token;
      co_return out;
    }
    if (lease.charge_key != rec.key) co_return out;
    if (!until)
      until = std::chrono::steady_clock::now() +
              std::max(lease.expires_in, std::chrono::milliseconds(0)) + std::chrono::seconds(1);
    if (!wait || std::chrono::steady_clock::now() >= *until) {
      out.running = true;
      out.holder = lease.holder;
      co_return out;
    }
    asio::steady_timer pause(ex, std::chrono::milliseconds(200));
    auto slept = pause.async_wait(as_tuple(use_awaitable));
    co_await std::move(slept);
  }
}

/// Releases what lease_for took (best effort: it expires anyway).
asio::awaitable<void> release_recovery_lease(const std::shared_ptr<charge_store>& store,
                                             const charge_record& rec, std::int64_t token) {
  if (token == 0) co_return;
  auto op =
      store->async_release_lease(rec.terminal_id, std::string(), token, as_tuple(use_awaitable));
  auto done = co_await std::move(op);
  (void)done;
}

namespace {

/// Records the charge cancelled (closed), with `why`.
asio::awaitable<cancel_pair> record_cancelled(const std::shared_ptr<charge_store>& store,
                                              charge_record rec, cancel_result r, std::string why) {
  rec.outcome = charge_outcome::cancelled;
  rec.open = false;
  rec.stage = charge_journal_stage::finished;
  rec.reason = why;
  r.action = std::move(why);
  auto save = store->async_save(rec, r.action, as_tuple(use_awaitable));
  auto [ec, stored] = co_await std::move(save);
  if (ec) {
    r.action += " (not recorded: " + ec.message() + ")";
    co_return cancel_pair{ec, std::move(r)};
  }
  r.outcome = stored.outcome;
  r.cancelled = true;
  co_return cancel_pair{error_code{}, std::move(r)};
}

/// Records the charge paid (found when cancelling), with `why`.
asio::awaitable<cancel_pair> record_paid(const std::shared_ptr<charge_store>& store,
                                         charge_record rec, cancel_result r, std::string why) {
  rec.outcome = charge_outcome::paid;
  rec.open = false;
  rec.stage = charge_journal_stage::finished;
  rec.reason = "paid (found when cancelling: " + rec.request_code.value_or("") + ")";
  auto save = store->async_save(rec, why, as_tuple(use_awaitable));
  auto [ec, stored] = co_await std::move(save);
  r.action = std::move(why);
  if (!ec) r.outcome = stored.outcome;
  co_return cancel_pair{ec, std::move(r)};
}

/// Cancels `rec` (unpaid, its lease held or its holder gone): finds its request, archives it
/// with the intent journaled first (stage "archiving"), and checks it again after the archive
/// (a payment that raced the archive is recorded paid, issue 21 C1).
asio::awaitable<cancel_pair> cancel_record(terminal_client client,
                                           std::shared_ptr<charge_store> store, charge_record rec,
                                           cancel_result r) {
  if (!rec.request_code) {
    auto lookup = find_request_by_key(client, rec.customer, rec.key, rec.created_at_ms);
    auto req = co_await std::move(lookup);
    if (!req.answered) {
      r.action = "could not look for the request: " + req.detail;
      co_return cancel_pair{req.ec ? req.ec : make_error_code(error::bad_response), std::move(r)};
    }
    if (!req.request) {
      auto done = record_cancelled(store, std::move(rec), std::move(r),
                                   "cancelled: no payment request exists for the key");
      auto out = co_await std::move(done);
      co_return out;
    }
    rec.request_id = req.request->id;
    rec.request_code = req.request->request_code;
    rec.offline_reference = req.request->offline_reference;
    r.request_code = rec.request_code;
  }
  const std::string code = *rec.request_code;
  const auto token = rec.fencing_token;
  auto check = check_request(client, code);
  auto now = co_await std::move(check);
  if (!now.answered) {
    r.action = now.detail;
    co_return cancel_pair{now.ec, std::move(r)};
  }
  if (now.paid) {
    auto paid =
        record_paid(store, std::move(rec), std::move(r),
                    "the customer had paid " + code + ": recorded paid, not cancelled (refund it)");
    auto out = co_await std::move(paid);
    co_return out;
  }
  if (now.archived) {
    auto done = record_cancelled(store, std::move(rec), std::move(r),
                                 "cancelled: " + code + " is archived at Paystack and unpaid");
    auto out = co_await std::move(done);
    co_return out;
  }
  // Journal the intent before the archive (a side effect at Paystack), the outcome right after.
  rec.stage = charge_journal_stage::archiving;
  rec.outcome = charge_outcome::cancelled;
  rec.open = true;
  rec.reason += "; cancelling: archiving " + code;
  auto intent = store->async_save(rec, "cancelled: archiving " + code, as_tuple(use_awaitable));
  auto [ec3, stored] = co_await std::move(intent);
  if (ec3) {
    r.action = "the cancel could not be journalled: " + ec3.message();
    co_return cancel_pair{ec3, std::move(r)};
  }
  rec = std::move(stored);
  rec.fencing_token = token;  // the store answers with the charge's last token
  auto close = close_request(client, code, "cancel_");
  auto closed = co_await std::move(close);
  if (closed.paid) {
    auto paid = record_paid(store, std::move(rec), std::move(r),
                            "the customer paid " + code +
                                " while it was being cancelled: recorded paid, not cancelled "
                                "(refund it)");
    auto out = co_await std::move(paid);
    co_return out;
  }
  if (!closed.closed) {
    r.action = "could not archive " + code + " (" + closed.detail +
               "); the charge stays \"archiving\": cancel it again or run the reconciler";
    co_return cancel_pair{make_error_code(error::bad_response), std::move(r)};
  }
  r.archived = true;
  auto done = record_cancelled(store, std::move(rec), std::move(r),
                               "cancelled: verified unpaid, archived " + code);
  auto out = co_await std::move(done);
  co_return out;
}

}  // namespace

asio::awaitable<cancel_pair> cancel_charge(terminal_client client,
                                           std::shared_ptr<charge_store> store, std::string key) {
  cancel_result r;
  r.key = key;
  auto load = store->async_load(key, as_tuple(use_awaitable));
  auto [ec, found] = co_await std::move(load);
  if (ec || !found) {
    r.action =
        ec ? "the charge store could not be read: " + ec.message() : "no charge has the key " + key;
    co_return cancel_pair{ec ? ec : make_error_code(error::invalid_argument), std::move(r)};
  }
  auto rec = std::move(*found);
  r.outcome = rec.outcome;
  r.request_code = rec.request_code;
  const bool finished = rec.stage == charge_journal_stage::finished;
  if (finished &&
      (rec.outcome == charge_outcome::cancelled || rec.outcome == charge_outcome::paid)) {
    r.cancelled = rec.outcome == charge_outcome::cancelled;
    r.action =
        r.cancelled ? "already cancelled" : "paid: a paid charge is not cancelled (refund it)";
    co_return cancel_pair{error_code{}, std::move(r)};
  }
  // An unfinished charge may be running: its lease says (a dead holder's is waited out), and
  // the cancel's writes carry the lease's token so that a holder that lost it cannot write over
  // them (issue 21 H2: a charge creating its request while being cancelled).
  std::int64_t token = 0;
  if (!finished) {
    auto take = lease_for(store, rec, true);
    auto lease = co_await std::move(take);
    if (lease.ec || lease.running) {
      r.action = lease.ec
                     ? "could not lease terminal " + rec.terminal_id + ": " + lease.ec.message()
                     : "the charge is running in " + lease.holder +
                           ": nothing was done (stop it, or let it finish)";
      co_return cancel_pair{lease.ec ? lease.ec : make_error_code(error::store_conflict),
                            std::move(r)};
    }
    token = lease.token;
  }
  rec.fencing_token = token;
  auto op = cancel_record(client, store, rec, std::move(r));
  auto out = co_await std::move(op);
  auto released = release_recovery_lease(store, rec, token);
  co_await std::move(released);
  co_return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
