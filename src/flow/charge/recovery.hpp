// What the recovery steps share (private to src/flow/): the lease a recovery step takes on
// an unfinished charge's terminal (charge_cancel.cpp), and cancel, run by charge_recovery.cpp's
// async_cancel_charge.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <string>
#include <utility>

namespace paystack {
inline namespace v0 {
namespace detail {

/// The lease a recovery step (cancel, reconcile) takes on an unfinished charge's terminal, so
/// that its writes carry a fencing token and a live holder's charge is left alone.
struct recovery_lease {
  bool running = false;  ///< a live holder runs the charge (its lease is renewed)
  std::string holder;    ///< who holds it, when running
  std::int64_t token = 0;
  boost::system::error_code ec;
};

/// Takes the lease of `rec`'s terminal for its key. A lease of the same key held by another
/// holder is waited for (when `wait`) as long as it had left: a dead holder's expires. A lease
/// of another charge leaves token 0: this charge's holder is gone (its writes without a token
/// are refused only while a live lease names its key).
boost::asio::awaitable<recovery_lease> lease_for(const std::shared_ptr<charge_store>& store,
                                                 const charge_record& rec, bool wait);

/// Releases what lease_for took (best effort: it expires anyway).
boost::asio::awaitable<void> release_recovery_lease(const std::shared_ptr<charge_store>& store,
                                                    const charge_record& rec, std::int64_t token);

/// async_cancel_charge's work.
boost::asio::awaitable<std::pair<boost::system::error_code, cancel_result>> cancel_charge(
    terminal_client client, std::shared_ptr<charge_store> store, std::string key);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
