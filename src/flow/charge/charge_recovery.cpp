// Resume and reconcile the charges of a store (doc/adr/0008-charge-recovery.md). Coroutines over
// the public API: the store, async_charge_on_terminal, Verify Payment Request, and the lookup of
// a key's request (charge_lookup.hpp); the POS transaction sweep. Cancel and the lease of a
// recovery step: charge_cancel.cpp (recovery.hpp).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <paystack/charge_recovery.hpp>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/transaction_client.hpp>

#include "charge_lookup.hpp"
#include "recovery.hpp"
#include "store/store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using boost::system::error_code;
using charge_outcome_pair = std::pair<error_code, charge_result>;

/// The most transactions one terminal's sweep reads.
constexpr std::size_t max_sweep_transactions = 2000;

/// The charge parameters of a recorded charge, with the caller's settings.
charge_params params_of(const charge_record& rec, const std::shared_ptr<charge_store>& store,
                        charge_params settings) {
  settings.customer = rec.customer;
  settings.amount = rec.amount;
  settings.line_items.clear();
  settings.tax.clear();
  settings.currency = rec.currency.empty() ? std::nullopt : std::optional(rec.currency);
  settings.key = rec.key;
  settings.store = store;
  return settings;
}

asio::awaitable<charge_outcome_pair> resume_one(terminal_client client,
                                                std::shared_ptr<charge_store> store,
                                                std::string key, charge_params settings) {
  auto load = store->async_load(key, as_tuple(use_awaitable));
  auto [ec, rec] = co_await std::move(load);
  if (ec || !rec) {
    charge_result r;
    r.reason =
        ec ? "the charge store could not be read: " + ec.message() : "no charge has the key " + key;
    co_return charge_outcome_pair{ec ? ec : make_error_code(error::invalid_argument), std::move(r)};
  }
  auto p = params_of(*rec, store, std::move(settings));
  auto op =
      async_charge_on_terminal(client, rec->terminal_id, std::move(p), as_tuple(use_awaitable));
  auto [ec2, r] = co_await std::move(op);
  co_return charge_outcome_pair{ec2, std::move(r)};
}

asio::awaitable<std::pair<error_code, std::vector<charge_result>>> resume_all(
    terminal_client client, std::shared_ptr<charge_store> store, charge_params settings) {
  auto list = store->async_list({.unfinished_only = true}, as_tuple(use_awaitable));
  auto [ec, records] = co_await std::move(list);
  std::vector<charge_result> out;
  if (ec) co_return std::pair{ec, std::move(out)};
  // A charge whose terminal another unfinished charge still holds (its holder dead, its lease
  // not yet expired) is tried once more after the others: the holder's own resume, later in
  // the list, finishes it and frees the terminal.
  std::vector<std::size_t> blocked;
  for (auto& rec : records) {
    auto one = resume_one(client, store, rec.key, settings);
    auto [e, r] = co_await std::move(one);
    // Each result says how its charge ended.
    if (e == error::store_conflict && r.outcome == charge_outcome::terminal_busy)
      blocked.push_back(out.size());
    out.push_back(std::move(r));
  }
  for (auto i : blocked) {
    auto again = resume_one(client, store, records[i].key, settings);
    auto [e, r] = co_await std::move(again);
    (void)e;
    out[i] = std::move(r);
  }
  co_return std::pair{error_code{}, std::move(out)};
}

/// One open record reconciled: its entry and, while it stays open, the stored record.
struct reconciled {
  reconcile_entry entry;
  std::optional<charge_record> still_open;
};

/// Records `rec` with `detail`; fills e's outcome and open from what was stored.
asio::awaitable<std::optional<charge_record>> record(const std::shared_ptr<charge_store>& store,
                                                     charge_record rec, reconcile_entry& e) {
  if (!rec.open) rec.stage = charge_journal_stage::finished;
  auto save = store->async_save(rec, e.action, as_tuple(use_awaitable));
  auto [ec, stored] = co_await std::move(save);
  if (ec) {
    e.ec = ec;
    e.action += " (not recorded: " + ec.message() + ")";
    co_return std::nullopt;
  }
  e.outcome = stored.outcome.value_or(charge_outcome::failed);
  e.open = stored.open;
  co_return stored;
}

/// An open charge past the reconcile horizon: closed only once it cannot be paid any more
/// (nothing unpaid stays payable): its request is verified, archived and checked. False when
/// that could not be done (the charge stays open).
asio::awaitable<bool> close_past_horizon(const terminal_client& client, charge_record& rec,
                                         reconcile_entry& e) {
  auto close = close_request(client, *rec.request_code, "reconcile_");
  auto closed = co_await std::move(close);
  if (closed.paid) {
    rec.outcome = charge_outcome::paid;
    rec.reason = "paid (found by the reconciler: " + *rec.request_code + ")";
    e.action = "verified: paid";
  } else if (!closed.closed) {
    e.action = "past the horizon, but " + closed.detail;
    e.ec = make_error_code(error::bad_response);
    co_return false;
  } else {
    rec.reason += "; still unpaid past the reconcile horizon: archived and closed";
    e.action = "past the horizon: archived and closed";
  }
  rec.open = false;
  co_return true;
}

/// Reconciles one open record by verification (and, without a request code, the lookup).
asio::awaitable<reconciled> reconcile_one(terminal_client client,
                                          std::shared_ptr<charge_store> store, charge_record rec,
                                          reconcile_params params) {
  reconciled out;
  auto& e = out.entry;
  e.key = rec.key;
  e.outcome = rec.outcome.value_or(charge_outcome::failed);
  // The reconciler holds no lease: its writes carry no token (refused while a live lease names
  // the key). The charge's own lease (kept open: marked stopped) is released once it closes.
  const auto kept_lease = std::exchange(rec.fencing_token, 0);
  if (!rec.request_code) {
    // The creation got no clear answer: the request may exist. Look for it.
    auto lookup = find_request_by_key(client, rec.customer, rec.key, rec.created_at_ms);
    auto found = co_await std::move(lookup);
    if (!found.answered) {
      e.action = "could not look for the request: " + found.detail;
      e.ec = found.ec ? found.ec : make_error_code(error::bad_response);
      out.still_open = rec;
      co_return out;
    }
    if (!found.request) {
      rec.open = false;
      rec.reason += "; the reconciler found no payment request for the key: nothing to collect";
      e.action = "no request exists: closed";
    } else {
      rec.request_id = found.request->id;
      rec.request_code = found.request->request_code;
      rec.offline_reference = found.request->offline_reference;
    }
  }
  if (rec.request_code) {
    auto check = check_request(client, *rec.request_code);
    auto now = co_await std::move(check);
    const auto age = std::chrono::milliseconds(unix_ms() - rec.created_at_ms);
    if (!now.answered) {
      e.action = now.detail;
      e.ec = now.ec;
      out.still_open = rec;
      co_return out;
    }
    if (now.paid) {
      rec.outcome = charge_outcome::paid;
      rec.open = false;
      rec.reason = "paid (found by the reconciler: " + *rec.request_code + ")";
      e.action = "verified: paid";
    } else if (now.archived) {
      rec.outcome = charge_outcome::cancelled;
      rec.open = false;
      rec.reason += "; the request is archived at Paystack and unpaid: closed as cancelled";
      e.action = "archived, unpaid: closed as cancelled";
    } else if (age > params.horizon) {
      auto closing = close_past_horizon(client, rec, e);
      const bool closed = co_await std::move(closing);
      if (!closed) {
        out.still_open = rec;
        co_return out;
      }
    } else {
      e.action = "still " + now.status;
      out.still_open = rec;
      co_return out;
    }
  }
  auto recorded = record(store, rec, e);
  auto stored = co_await std::move(recorded);
  if (stored && stored->open) out.still_open = std::move(stored);
  if (stored && !stored->open) {
    auto released = release_recovery_lease(store, rec, kept_lease);
    co_await std::move(released);
  }
  co_return out;
}

/// Reconciles one unfinished record whose holder is gone (its lease is free, expired, stopped
/// or another charge's): a charge left "archiving" is closed (verify, archive, check); any other
/// is recorded paid when its request is, else left for a resume. A charge whose live holder
/// runs it is left alone.
asio::awaitable<reconciled> reconcile_unfinished(terminal_client client,
                                                 std::shared_ptr<charge_store> store,
                                                 charge_record rec) {
  reconciled out;
  auto& e = out.entry;
  e.key = rec.key;
  e.outcome = rec.outcome.value_or(charge_outcome::failed);
  auto take = lease_for(store, rec, false);
  auto lease = co_await std::move(take);
  if (lease.ec || lease.running) {
    e.ec = lease.ec;
    e.action = lease.ec ? "could not lease terminal " + rec.terminal_id + ": " + lease.ec.message()
                        : "unfinished, running in " + lease.holder + ": left alone";
    co_return out;
  }
  rec.fencing_token = lease.token;
  if (!rec.request_code && rec.stage >= charge_journal_stage::creating) {
    auto lookup = find_request_by_key(client, rec.customer, rec.key, rec.created_at_ms);
    auto found = co_await std::move(lookup);
    if (found.request) {
      rec.request_id = found.request->id;
      rec.request_code = found.request->request_code;
      rec.offline_reference = found.request->offline_reference;
    }
  }
  bool decided = false;
  if (!rec.request_code) {
    e.action = "unfinished (" + std::string(to_string(rec.stage)) + "), no request: resume it";
  } else if (rec.stage == charge_journal_stage::archiving) {
    auto close = close_request(client, *rec.request_code, "reconcile_");
    auto closed = co_await std::move(close);
    if (closed.paid) {
      rec.outcome = charge_outcome::paid;
      rec.open = false;
      rec.reason = "paid (found by the reconciler when archiving " + *rec.request_code + ")";
      e.action = "verified: paid";
      decided = true;
    } else if (closed.closed) {
      rec.open = false;
      decided = true;
      rec.reason += "; " + *rec.request_code + " archived by the reconciler (verified unpaid)";
      e.action = "archived, unpaid: closed as " + std::string(to_string(e.outcome));
    } else {
      e.action = "could not close " + *rec.request_code + ": " + closed.detail;
      e.ec = make_error_code(error::bad_response);
      out.still_open = rec;
    }
  } else {
    auto check = check_request(client, *rec.request_code);
    auto now = co_await std::move(check);
    if (now.answered && now.paid) {
      rec.outcome = charge_outcome::paid;
      rec.open = false;
      rec.reason = "paid (found by the reconciler: " + *rec.request_code + ")";
      e.action = "verified: paid";
      decided = true;
    } else {
      e.action = "unfinished (" + std::string(to_string(rec.stage)) + "), " +
                 (now.answered ? "still " + now.status : now.detail) + ": resume it";
      e.ec = now.answered ? error_code{} : now.ec;
      out.still_open = rec;
    }
  }
  // Only a decision is recorded: a charge left to its resume keeps its stage (recording it
  // finished without an outcome would end it unpaid while its request may still be paid).
  if (decided) {
    auto recorded = record(store, rec, e);
    auto stored = co_await std::move(recorded);
    (void)stored;
  }
  if (out.still_open) out.still_open->fencing_token = 0;  // the sweep writes without the lease
  auto released = release_recovery_lease(store, rec, lease.token);
  co_await std::move(released);
  co_return out;
}

/// The POS transaction sweep: for the charges still open, one terminal at a time, List
/// Transactions (terminal_id, channel pos, status success, from the oldest start minus the
/// lookup window, cursors, at most max_sweep_transactions) and match a transaction that names
/// the charge's request code or offline reference. A match is recorded paid with its reference.
asio::awaitable<void> sweep(terminal_client client, std::shared_ptr<charge_store> store,
                            std::vector<reconciled>& items, reconcile_report& report) {
  std::map<std::string, std::vector<reconciled*>> by_terminal;
  for (auto& it : items)
    if (it.still_open && it.still_open->request_code)
      by_terminal[it.still_open->terminal_id].push_back(&it);
  transaction_client api(client);
  for (auto& entry : by_terminal) {
    const std::string& terminal = entry.first;
    std::vector<reconciled*>& open = entry.second;
    std::int64_t since = open.front()->still_open->created_at_ms;
    for (auto* it : open) since = std::min(since, it->still_open->created_at_ms);
    std::map<reconciled*, transaction> found;
    list_transactions_params p{.terminal_id = terminal,
                               .channel = "pos",
                               .status = "success",
                               .from = iso8601_utc(since - lookup_window_ms),
                               .use_cursor = true,
                               .per_page = 100};
    auto visit = [&open, &found](const transaction& t) {
      for (auto* it : open) {
        const auto& rec = *it->still_open;
        const bool same_code = t.request_code && t.request_code == rec.request_code;
        const bool same_offline = t.offline_reference && rec.offline_reference &&
                                  *t.offline_reference == *rec.offline_reference;
        if ((same_code || same_offline) && !found.contains(it)) found.emplace(it, t);
      }
      return found.size() < open.size();
    };
    auto walk = api.async_for_each_transaction(std::move(p), max_sweep_transactions, visit,
                                               as_tuple(use_awaitable));
    auto [ec, summary] = co_await std::move(walk);
    if (ec || !summary.ok()) {
      for (auto* it : open)
        it->entry.action += "; the transaction sweep of " + terminal +
                            " failed: " + (ec ? ec.message() : summary.message);
      continue;
    }
    for (auto& [it, t] : found) {
      auto rec = *it->still_open;
      rec.outcome = charge_outcome::paid;
      rec.open = false;
      rec.transaction_reference = t.reference;
      rec.reason = "paid (POS transaction " + t.reference + " found by the reconciler's sweep)";
      it->entry.action = "swept: paid (" + t.reference + ")";
      it->entry.ec = {};
      auto recorded = record(store, std::move(rec), it->entry);
      auto stored = co_await std::move(recorded);
      if (stored && !stored->open) {
        it->still_open.reset();
        ++report.swept;
      }
    }
  }
}

asio::awaitable<std::pair<error_code, reconcile_report>> reconcile(
    terminal_client client, std::shared_ptr<charge_store> store, reconcile_params params) {
  auto list =
      store->async_list({.open_only = true, .limit = params.limit}, as_tuple(use_awaitable));
  auto [ec, records] = co_await std::move(list);
  reconcile_report report;
  if (ec) co_return std::pair{ec, std::move(report)};
  // Unfinished charges too: their holder may be dead with the customer's payment unrecorded,
  // or a charge may have stopped while archiving its request.
  auto list2 =
      store->async_list({.unfinished_only = true, .limit = params.limit}, as_tuple(use_awaitable));
  auto [ec2, unfinished] = co_await std::move(list2);
  if (ec2) co_return std::pair{ec2, std::move(report)};
  std::vector<reconciled> items;
  for (auto& rec : records) {
    auto one = reconcile_one(client, store, rec, params);
    auto done = co_await std::move(one);
    items.push_back(std::move(done));
  }
  for (auto& rec : unfinished) {
    auto one = reconcile_unfinished(client, store, rec);
    auto done = co_await std::move(one);
    items.push_back(std::move(done));
  }
  if (params.sweep_transactions) {
    auto swept = sweep(client, store, items, report);
    co_await std::move(swept);
  }
  for (auto& it : items) {
    auto& e = it.entry;
    if (!e.open && e.outcome == charge_outcome::paid)
      ++report.paid;
    else if (!e.open)
      ++report.closed;
    else
      ++report.still_open;
    report.entries.push_back(std::move(e));
  }
  co_return std::pair{error_code{}, std::move(report)};
}

/// `coro`, with cancellation never thrown (an operation it cancels completes with its error).
template <class T>
asio::awaitable<T> unthrown(asio::awaitable<T> coro) {
  co_await asio::this_coro::throw_if_cancelled(false);
  auto out = co_await std::move(coro);
  co_return out;
}

/// Runs `coro` on the client's executor and completes `handler` with its pair. With
/// `cancellable`, the handler's cancellation slot reaches the coroutine (and the charge it
/// awaits: a drain or a stop must be able to stop a resumed charge); otherwise it is not used.
template <class Signature, class T>
void spawn(const terminal_client& client, asio::awaitable<T> coro,
           asio::any_completion_handler<Signature> handler, bool cancellable = false) {
  auto ex = asio::get_associated_executor(handler, client.get_executor());
  auto slot =
      cancellable ? asio::get_associated_cancellation_slot(handler) : asio::cancellation_slot();
  asio::co_spawn(client.get_executor(), unthrown(std::move(coro)),
                 asio::bind_cancellation_slot(
                     slot, asio::bind_executor(ex, [h = std::move(handler)](std::exception_ptr ep,
                                                                            auto result) mutable {
                       if (ep) std::rethrow_exception(ep);
                       std::move(h)(result.first, std::move(result.second));
                     })));
}

/// Completes `handler` (posted, never from within the initiating function) with
/// error::invalid_argument and `result`: a call without a store.
template <class Signature, class Result>
void refuse(const terminal_client& client, asio::any_completion_handler<Signature> handler,
            Result result) {
  asio::post(client.get_executor(), [h = std::move(handler), r = std::move(result)]() mutable {
    std::move(h)(make_error_code(error::invalid_argument), std::move(r));
  });
}

}  // namespace

void start_resume_charge(terminal_client client, std::shared_ptr<charge_store> store,
                         std::string key, charge_params settings,
                         asio::any_completion_handler<charge_signature> handler) {
  if (!store) {
    charge_result r;
    r.reason = "no charge store";
    return refuse(client, std::move(handler), std::move(r));
  }
  auto coro = resume_one(client, std::move(store), std::move(key), std::move(settings));
  spawn<charge_signature>(client, std::move(coro), std::move(handler), /*cancellable=*/true);
}

void start_resume_all_charges(terminal_client client, std::shared_ptr<charge_store> store,
                              charge_params settings,
                              asio::any_completion_handler<resume_all_signature> handler) {
  auto coro = resume_all(client, std::move(store), std::move(settings));
  spawn<resume_all_signature>(client, std::move(coro), std::move(handler), /*cancellable=*/true);
}

void start_reconcile_charges(terminal_client client, std::shared_ptr<charge_store> store,
                             reconcile_params params,
                             asio::any_completion_handler<reconcile_signature> handler) {
  auto coro = reconcile(client, std::move(store), params);
  spawn<reconcile_signature>(client, std::move(coro), std::move(handler));
}

void start_cancel_charge(terminal_client client, std::shared_ptr<charge_store> store,
                         std::string key, asio::any_completion_handler<cancel_signature> handler) {
  if (!store) {
    cancel_result r;
    r.key = std::move(key);
    r.action = "no charge store";
    return refuse(client, std::move(handler), std::move(r));
  }
  auto coro = cancel_charge(client, std::move(store), std::move(key));
  spawn<cancel_signature>(client, std::move(coro), std::move(handler));
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
