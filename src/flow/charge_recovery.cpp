// Resume and reconcile the charges of a store (doc/adr/0008-charge-recovery.md). Coroutines over
// the public API: the store, async_charge_on_terminal, Verify Payment Request, and the lookup of
// a key's request (charge_lookup.hpp).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>

#include "charge_lookup.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using boost::system::error_code;
using charge_outcome_pair = std::pair<error_code, charge_result>;

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
  for (auto& rec : records) {
    auto one = resume_one(client, store, rec.key, settings);
    auto [e, r] = co_await std::move(one);
    (void)e;  // each result says how its charge ended
    out.push_back(std::move(r));
  }
  co_return std::pair{error_code{}, std::move(out)};
}

/// Reconciles one open record; returns its entry.
asio::awaitable<reconcile_entry> reconcile_one(terminal_client client,
                                               std::shared_ptr<charge_store> store,
                                               charge_record rec, reconcile_params params) {
  reconcile_entry e;
  e.key = rec.key;
  e.outcome = rec.outcome.value_or(charge_outcome::failed);
  std::string detail;
  if (!rec.request_code) {
    // The creation got no clear answer: the request may exist. Look for it.
    auto lookup = find_request_by_key(client, rec.customer, rec.key, rec.created_at_ms);
    auto found = co_await std::move(lookup);
    if (!found.answered) {
      e.action = "could not look for the request: " + found.detail;
      e.ec = found.ec ? found.ec : make_error_code(error::bad_response);
      co_return e;
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
    payment_request_client api(client);
    auto op = api.async_verify_payment_request(*rec.request_code, as_tuple(use_awaitable));
    auto [ec, resp] = co_await std::move(op);
    if (ec || !resp.ok()) {
      e.action = "could not verify " + *rec.request_code;
      e.ec = ec ? ec : make_error_code(error::bad_response);
      co_return e;
    }
    const auto& pr = *resp.data;
    const auto age = std::chrono::milliseconds(unix_ms() - rec.created_at_ms);
    if (pr.paid || pr.status == "success") {
      rec.outcome = charge_outcome::paid;
      rec.open = false;
      rec.reason = "paid (found by the reconciler: " + *rec.request_code + ")";
      e.action = "verified: paid";
    } else if (age > params.horizon) {
      rec.open = false;
      rec.reason += "; still unpaid past the reconcile horizon: closed";
      e.action = "past the horizon: closed";
    } else {
      e.action = "still " + pr.status;
      co_return e;
    }
  }
  detail = e.action;
  auto save = store->async_save(rec, detail, as_tuple(use_awaitable));
  auto [ec, stored] = co_await std::move(save);
  if (ec) {
    e.ec = ec;
    e.action += " (not recorded: " + ec.message() + ")";
    co_return e;
  }
  e.outcome = stored.outcome.value_or(charge_outcome::failed);
  e.open = stored.open;
  co_return e;
}

asio::awaitable<std::pair<error_code, reconcile_report>> reconcile(
    terminal_client client, std::shared_ptr<charge_store> store, reconcile_params params) {
  auto list =
      store->async_list({.open_only = true, .limit = params.limit}, as_tuple(use_awaitable));
  auto [ec, records] = co_await std::move(list);
  reconcile_report report;
  if (ec) co_return std::pair{ec, std::move(report)};
  for (auto& rec : records) {
    auto one = reconcile_one(client, store, rec, params);
    auto e = co_await std::move(one);
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

/// Runs `coro` on the client's executor and completes `handler` with its pair.
template <class Signature, class Awaitable>
void spawn(const terminal_client& client, Awaitable coro,
           asio::any_completion_handler<Signature> handler) {
  auto ex = asio::get_associated_executor(handler, client.get_executor());
  asio::co_spawn(
      client.get_executor(), std::move(coro),
      asio::bind_executor(ex, [h = std::move(handler)](std::exception_ptr ep, auto result) mutable {
        if (ep) std::rethrow_exception(ep);
        std::move(h)(result.first, std::move(result.second));
      }));
}

}  // namespace

void start_resume_charge(terminal_client client, std::shared_ptr<charge_store> store,
                         std::string key, charge_params settings,
                         asio::any_completion_handler<charge_signature> handler) {
  if (!store) {
    charge_result r;
    r.reason = "no charge store";
    asio::post(client.get_executor(), [h = std::move(handler), r = std::move(r)]() mutable {
      std::move(h)(make_error_code(error::invalid_argument), std::move(r));
    });
    return;
  }
  auto coro = resume_one(client, std::move(store), std::move(key), std::move(settings));
  spawn<charge_signature>(client, std::move(coro), std::move(handler));
}

void start_resume_all_charges(terminal_client client, std::shared_ptr<charge_store> store,
                              charge_params settings,
                              asio::any_completion_handler<resume_all_signature> handler) {
  auto coro = resume_all(client, std::move(store), std::move(settings));
  spawn<resume_all_signature>(client, std::move(coro), std::move(handler));
}

void start_reconcile_charges(terminal_client client, std::shared_ptr<charge_store> store,
                             reconcile_params params,
                             asio::any_completion_handler<reconcile_signature> handler) {
  auto coro = reconcile(client, std::move(store), params);
  spawn<reconcile_signature>(client, std::move(coro), std::move(handler));
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
