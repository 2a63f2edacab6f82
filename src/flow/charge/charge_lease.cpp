// The charge's terminal lease (doc/fleet.md, "Leases follow their holder"): taken before
// anything is sent, renewed every third of its life while the charge runs, released (or marked
// stopped) at the end. A dead holder stops renewing, so its lease expires within
// charge_params::lease_ttl and the same key's rerun or resume takes it over; a live one keeps
// renewing, so a second runner of the same key stays fenced out.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/error.hpp>

#include "charge_flow.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::charge_impl {

/// Renews one lease until stopped. Lives on the flow's strand; real time (the lease expires by
/// the store's clock, whatever time source the client uses).
struct lease_keeper {
  lease_keeper(asio::strand<asio::any_io_executor> strand, std::shared_ptr<charge_store> s,
               std::string terminal, std::int64_t t, milliseconds life)
      : timer(strand), store(std::move(s)), terminal_id(std::move(terminal)), token(t), ttl(life) {
    flow_metrics::get().leases.inc();  // paystack_leases_held: while a keeper holds it
  }
  ~lease_keeper() { flow_metrics::get().leases.dec(); }
  lease_keeper(const lease_keeper&) = delete;
  lease_keeper& operator=(const lease_keeper&) = delete;
  asio::steady_timer timer;
  std::shared_ptr<charge_store> store;
  std::string terminal_id;
  std::int64_t token;
  milliseconds ttl;
  bool stopped = false;
};

namespace {

asio::awaitable<void> keep_renewing(std::shared_ptr<lease_keeper> k) {
  while (!k->stopped) {
    k->timer.expires_after(k->ttl / 3);
    auto wait = k->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    auto [ec] = co_await std::move(wait);
    (void)ec;  // cancelled by release_lease, or time to renew
    if (k->stopped) break;
    auto renew = k->store->async_renew_lease(k->terminal_id, k->token, k->ttl,
                                             asio::as_tuple(asio::use_awaitable));
    auto [rec, renewed] = co_await std::move(renew);
    // Gone or taken over: not ours any more (the next journal write is refused). A store that
    // did not answer is asked again at the next third.
    if (!rec && !renewed) break;
  }
}

}  // namespace

asio::awaitable<charge_flow::step_result> charge_flow::take_lease() {
  if (!p_.store->leases_terminals()) co_return std::nullopt;
  const auto ttl = p_.lease_ttl;
  terminal_lease seen;
  // A lease of this very key held by another holder is waited for as long as it had left when
  // first seen (a second more for the clocks): a dead holder's expires by then.
  std::optional<clock::time_point> same_key_until;
  bool same_key = false;
  for (;;) {
    auto acquire = p_.store->async_acquire_lease(terminal_id_, *p_.key, ttl,
                                                 asio::as_tuple(asio::use_awaitable));
    auto [ec, lease] = co_await std::move(acquire);
    if (ec)
      co_return end(
          charge_outcome::failed,
          "the charge store could not lease terminal " + terminal_id_ + ": " + ec.message(), ec);
    if (lease.acquired) {
      lease_token_ = lease.fencing_token;
      journal_->set_fencing_token(lease.fencing_token);
      keeper_ = std::make_shared<lease_keeper>(box_->strand, p_.store, terminal_id_,
                                               lease.fencing_token, ttl);
      asio::co_spawn(box_->strand, keep_renewing(keeper_), asio::detached);
      co_return std::nullopt;
    }
    seen = std::move(lease);
    same_key = seen.charge_key == *p_.key;
    if (same_key && !same_key_until)
      same_key_until = now() + std::max(seen.expires_in, milliseconds(0)) + std::chrono::seconds(1);
    if (same_key ? now() >= *same_key_until : !p_.wait_for_terminal) break;
    if (expired()) break;
    auto until = std::min(now() + milliseconds(200), deadline_);
    if (same_key) until = std::min(until, *same_key_until);
    co_await sleep_until(until);
    const bool stop = co_await cancelled();
    if (stop)
      co_return end(charge_outcome::cancelled, "cancelled while waiting for the terminal",
                    asio::error::operation_aborted);
  }
  const std::string holder =
      seen.holder.empty() ? std::string("another process") : std::string(seen.holder);
  if (same_key)
    // Another live process runs this very charge: nothing is recorded (it is its charge).
    co_return end(charge_outcome::failed,
                  "the charge of key " + *p_.key + " is running in " + holder +
                      " (its lease of terminal " + terminal_id_ +
                      " is renewed); nothing was sent or recorded here",
                  error::store_conflict);
  std::string why = "terminal " + terminal_id_ + " is leased by " + holder +
                    (seen.charge_key.empty() ? std::string() : " for key " + seen.charge_key);
  if (journal_->inserted())
    co_return end(charge_outcome::terminal_busy, why + "; nothing was created or pushed");
  // A resumed charge (its record existed: a request may exist, or its first run was stopped)
  // stays unfinished: resume it again later (charges resume --all tries it once more after the
  // others, whose own resume may free the terminal).
  co_return end(charge_outcome::terminal_busy, why + "; the charge stays unfinished: resume it",
                error::store_conflict);
}

asio::awaitable<void> charge_flow::release_lease(std::optional<milliseconds> keep_for) {
  if (keeper_) {
    keeper_->stopped = true;
    keeper_->timer.cancel();
    keeper_.reset();
  }
  if (lease_token_ == 0) co_return;
  if (keep_for) {
    auto stop = p_.store->async_stop_lease(terminal_id_, lease_token_, *keep_for,
                                           asio::as_tuple(asio::use_awaitable));
    auto done = co_await std::move(stop);
    (void)done;  // a lease taken over is not ours any more; one not marked expires anyway
  } else {
    auto release = p_.store->async_release_lease(terminal_id_, std::string(), lease_token_,
                                                 asio::as_tuple(asio::use_awaitable));
    auto done = co_await std::move(release);
    (void)done;  // a lease that is gone or taken over is not ours to release
  }
  lease_token_ = 0;
}

}  // namespace detail::charge_impl
}  // namespace v0
}  // namespace paystack
