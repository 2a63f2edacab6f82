// Keyed refunds in the PostgreSQL charge store (paystack/refund_flow.hpp, doc/refunds.md): the
// rows of paystack_refunds and paystack_refund_journal (schema version 6), each operation one
// statement run through the store's retries (pg_store.cpp hands its runner over). The refunds of
// one transaction are serialised by the store's leases ("refund:txn:ID", pg/leases.hpp), as in
// the other stores; these tables keep the records. Private to src/flow/.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <paystack/refund_flow.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace pg_refunds {

using clock = std::chrono::steady_clock;

/// What one statement run through the store's retries ended with. `maybe_sent_before`: an
/// earlier attempt may have committed with its reply lost (pg_store::retrying).
struct statement_result {
  boost::system::error_code ec;
  pg::result res;
  bool maybe_sent_before = false;
};

/// Runs one statement through the store's retries, before `deadline`; any failure is
/// error::store_failed.
using runner = std::function<boost::asio::awaitable<statement_result>(std::string sql, pg::params p,
                                                                      clock::time_point deadline)>;

/// The store as the refund operations see it: its runner, its instance name (the journal's
/// `instance`: a resend recognises its own write by it) and its timeout.
struct table {
  runner run;
  std::string instance;
  std::chrono::milliseconds timeout{5000};
};

/// Inserts `r` (version 1, stage started, journal "started") unless its key exists; the stored
/// record and whether this call inserted it (also when an earlier attempt of it did, its reply
/// lost). error::invalid_argument for an empty key.
boost::asio::awaitable<std::tuple<boost::system::error_code, refund_record, bool>> begin(
    table t, refund_record r);

/// Writes `r` when the stored version is r.version (then version + 1) and appends `detail` to the
/// journal, in one statement; error::store_conflict otherwise (an earlier attempt's own write,
/// its reply lost, is recognised and answered as success).
boost::asio::awaitable<std::tuple<boost::system::error_code, refund_record>> save(
    table t, refund_record r, std::string detail);

/// The record of `key`, or std::nullopt.
boost::asio::awaitable<std::tuple<boost::system::error_code, std::optional<refund_record>>> load(
    table t, std::string key);

/// The records `f` selects, oldest first (creation time, then key).
boost::asio::awaitable<std::tuple<boost::system::error_code, std::vector<refund_record>>> list(
    table t, refund_list_filter f);

/// The journal of `key`, oldest first (at most 1,000 entries).
boost::asio::awaitable<std::tuple<boost::system::error_code, std::vector<refund_journal_entry>>>
history(table t, std::string key);

}  // namespace pg_refunds
}  // namespace detail
}  // namespace v0
}  // namespace paystack
