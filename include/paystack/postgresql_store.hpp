// paystack/postgresql_store.hpp: the PostgreSQL charge store a fleet shares (doc/fleet.md), in
// the library paystack::postgresql (find_package(paystack COMPONENTS postgresql), pkg-config
// paystack-postgresql, Debian libpaystack-postgresql-dev). The core library paystack::paystack
// does not need libpq; a program that calls this links paystack::postgresql and libpq
// (doc/adr/pkg-0002-optional-stores.md).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <paystack/charge_store.hpp>
#include <paystack/export.hpp>
#include <string>
#include <string_view>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Opens the PostgreSQL store at `url` ("postgres://user@host:port/db", "postgresql://..." or a
/// libpq connection string): connects and migrates the schema now (blocking the caller up to a
/// few times `busy_timeout_ms`, which also bounds every later statement), then the store runs
/// libpq on `executor` (no thread; one connection: a statement that met a lost connection is
/// sent again on a new one, up to 3 attempts within `busy_timeout_ms`, and a write whose reply
/// was lost is recognised as its own, doc/fleet.md; describe() and `why` never show the
/// password). Null, with `ec` and `why` set, when it cannot be opened: error::store_too_new
/// (written by a newer schema; `why` names both versions), error::store_failed (the server's
/// message in `why`, without the password: e.g. the database cannot be reached).
std::shared_ptr<charge_store> open_postgresql_charge_store(boost::asio::any_io_executor executor,
                                                           std::string_view url,
                                                           boost::system::error_code& ec,
                                                           std::string& why,
                                                           int busy_timeout_ms = 5000);

/// The secrets a store URL holds: for a postgres:// URL (or a libpq connection string), every
/// text that is or may be its password (pg conninfo parsing: raw, percent-decoded, `password=`
/// parameters, the pieces of a password holding `@ ? / # :`); empty for SQLite and memory:. For
/// a program that prints text which may contain the URL (a CLI's output filter): redact each.
std::vector<std::string> charge_store_url_secrets(std::string_view url);

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
