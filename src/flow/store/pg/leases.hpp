// Terminal leases over the fleet's database (doc/fleet.md): at most one charge per terminal
// across all instances, with an expiry (the database's clock) and a fencing token.
//
// Each function is one statement (one round trip), atomic under concurrency: of N instances
// acquiring one free terminal at once, exactly one gets it. Handlers run on the connection's
// strand, never from within the initiating function. Errors are the connection's (errc).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

struct lease {
  bool acquired = false;  // async_acquire_lease: this call holds it now
  std::string terminal_id;
  std::string holder;                       // the instance holding it ("" when unknown)
  std::string charge_key;                   // the charge it was taken for
  std::int64_t fencing_token = 0;           // strictly increasing per acquisition, fleet-wide
  std::chrono::milliseconds expires_in{0};  // by the database's clock (negative: expired)
  bool stopped = false;  // its holder stopped the charge unfinished (async_stop_lease)
};

using lease_handler = boost::asio::any_completion_handler<void(boost::system::error_code, lease)>;
using lease_found_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::optional<lease>)>;
using done_handler = bool_handler;

/// Takes the lease of `terminal_id` for `holder` and `charge_key` for `ttl` when it is free or
/// expired (a crashed holder's lease is taken over), or stopped by the same `charge_key` (the
/// charge's resume continues it), or held (not stopped) by `dead_holder` when not empty (a
/// process known to be gone). `lease::acquired` says whether it was taken; when not, the lease
/// describes the current holder as far as it could be read.
void async_acquire_lease(connection& c, std::string terminal_id, std::string holder,
                         std::string charge_key, std::chrono::milliseconds ttl, lease_handler h,
                         std::string dead_holder = {});

/// Extends the lease to `ttl` from now while `fencing_token` is still the terminal's (nobody
/// took it over) and it is not stopped: true when extended.
void async_renew_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                       std::chrono::milliseconds ttl, done_handler h);

/// Marks the lease stopped, expiring `ttl` from now, while `fencing_token` is still the
/// terminal's: its holder stopped the charge unfinished after the push (or kept it open). It
/// keeps other charges off the terminal until it expires (the customer may still pay), but the
/// same charge key may take it over. True when marked.
void async_stop_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                      std::chrono::milliseconds ttl, done_handler h);

/// Releases the lease only if `fencing_token` is still the terminal's: the holder ending its
/// charge, or an operator releasing the holder they saw. True when released.
void async_release_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                         done_handler h);

/// Releases the lease only if it is still held by `holder` (when not empty) with `fencing_token`
/// (when not 0): an operator releasing the holder they saw. True when released.
void async_release_lease_of(connection& c, std::string terminal_id, std::string holder,
                            std::int64_t fencing_token, done_handler h);

using leases_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::vector<lease>)>;

/// Every lease, expired or not, by terminal (at most 1000).
void async_list_leases(connection& c, leases_handler h);

/// The terminal's lease, expired or not; nullopt when none.
void async_show_lease(connection& c, std::string terminal_id, lease_found_handler h);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
