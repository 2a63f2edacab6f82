// The synchronous refund part of a store engine (memory, SQLite): the records and journal of
// keyed refunds (paystack/refund_flow.hpp). Private to src/flow/; store_engine::refunds()
// hands it to engine_store, which serialises its calls with the engine's others.
#pragma once

#include <boost/system/error_code.hpp>
#include <memory>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/refund_flow.hpp>
#include <string>
#include <vector>

struct sqlite3;

namespace paystack {
inline namespace v0 {
namespace detail {

/// One engine's refund tables: every call is one transaction; not thread-safe.
class PAYSTACK_EXPORT refund_engine {
 public:
  virtual ~refund_engine() = default;
  /// Inserts `rec` unless its key exists; `rec` becomes the stored record.
  virtual boost::system::error_code begin(refund_record& rec, bool& inserted) = 0;
  /// Writes `rec` if the stored version is rec.version (then version + 1), appending a journal
  /// entry; error::store_conflict otherwise.
  virtual boost::system::error_code save(refund_record& rec, const std::string& detail) = 0;
  /// The record of `key`.
  virtual boost::system::error_code load(const std::string& key,
                                         std::optional<refund_record>& out) = 0;
  /// The records `f` selects, oldest first.
  virtual boost::system::error_code list(const refund_list_filter& f,
                                         std::vector<refund_record>& out) = 0;
  /// The journal of `key`.
  virtual boost::system::error_code history(const std::string& key,
                                            std::vector<refund_journal_entry>& out) = 0;
};

/// The in-memory refund tables.
std::unique_ptr<refund_engine> make_memory_refund_engine();

/// How a write of the SQLite refund tables opens and ends its transaction: the SQLite engine's
/// own way (BEGIN IMMEDIATE ... COMMIT, or a savepoint of a group commit's batch), so that a
/// refund write queued with charge writes shares their batch (sqlite_engine.hpp).
class sqlite_write_transactions {
 public:
  virtual ~sqlite_write_transactions() = default;
  /// Opens the write's transaction; false when it cannot.
  virtual bool open_transaction() = 0;
  /// Commits it (or releases its savepoint); on failure rolls it back: error::store_failed.
  virtual boost::system::error_code commit() = 0;
  /// Rolls it back and returns `ec`.
  virtual boost::system::error_code rollback(boost::system::error_code ec) = 0;
};

/// The refund tables of the SQLite store on `db` (the engine's connection, created by schema
/// version 5: sqlite_refund_schema_sql); its writes' transactions are `tx`'s.
std::unique_ptr<refund_engine> make_sqlite_refund_engine(sqlite3* db,
                                                         sqlite_write_transactions& tx);

/// The SQLite store's schema version 5: the refunds and refund_journal tables.
extern const char* const sqlite_refund_schema_sql;

}  // namespace detail
}  // namespace v0
}  // namespace paystack
