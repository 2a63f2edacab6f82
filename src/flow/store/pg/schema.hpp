// The fleet's tables in PostgreSQL and their versioned migrations (doc/fleet.md).
//
// async_migrate applies, on first use, the migrations a database lacks: in one transaction,
// under a transaction-scoped advisory lock (per schema), so N instances starting together
// migrate once and the others wait, then find the work done. A database written by a newer
// version is refused with errc::schema_too_new and a message naming both versions; nothing is
// changed then.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

/// The schema version this code writes and reads.
inline constexpr int schema_version = 6;

/// The SQL of each migration: element i brings the schema from version i to i + 1.
const std::vector<std::string_view>& migrations();

struct migrate_report {
  int from = 0;         // the version found (0: a new database)
  int to = 0;           // the version now
  std::string message;  // why it failed ("" on success)
};

using migrate_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, migrate_report)>;

/// Brings the schema of `c`'s search_path to `schema_version` (see above). Every statement is
/// bounded by `timeout`; the lock wait too. Completes on `c`'s strand, never from within this
/// function. Errors: errc::schema_too_new, errc::query_failed (the transaction is rolled back),
/// errc::connection_lost/not_connected/timed_out.
void async_migrate(std::shared_ptr<connection> c, std::chrono::milliseconds timeout,
                   migrate_handler h);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
