// paystack/sqlite_store.hpp: the SQLite charge store, in the library paystack::sqlite
// (find_package(paystack COMPONENTS sqlite), pkg-config paystack-sqlite, Debian
// libpaystack-sqlite-dev). The core library paystack::paystack does not need SQLite; a program
// that calls this links paystack::sqlite and SQLite 3 (doc/adr/pkg-0002-optional-stores.md).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <paystack/charge_store.hpp>
#include <paystack/export.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Opens (creating if needed) the SQLite store in the file `path`. The file is created with the
/// current schema, journal_mode=WAL, synchronous=FULL and a busy timeout of `busy_timeout_ms`,
/// so several processes can share it; its calls run on a thread of the store
/// (doc/adr/0007-charge-store.md). Null, with `ec` and `why` set, when it cannot be opened:
/// error::invalid_argument (an empty path), error::store_too_new (written by a newer schema;
/// `why` names both versions), error::store_failed (SQLite's message in `why`). Thread safety:
/// may be called from any thread; the store is as charge_store says.
std::shared_ptr<charge_store> open_sqlite_charge_store(boost::asio::any_io_executor executor,
                                                       std::string_view path,
                                                       boost::system::error_code& ec,
                                                       std::string& why,
                                                       int busy_timeout_ms = 5000);

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
