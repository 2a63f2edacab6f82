// The SQLite engine of paystack::charge_store (doc/adr/0007-charge-store.md): one connection,
// used from one thread at a time (engine_store's writer or reader thread). Its definitions are
// split by concern: sqlite_store.cpp (charges, their journal, webhooks, transactions and group
// commit), sqlite_leases.cpp (terminal leases and fencing), sqlite_schema.cpp (opening, the
// check that a file is a charge store, the schema and its migrations). Private to src/flow/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "refund_engine.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// A prepared statement, finalized on destruction.
class statement {
 public:
  statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  ~statement() { sqlite3_finalize(st_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }

  void bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(st_, i, v); }
  void bind(int i, const std::optional<std::string>& s) {
    if (s)
      bind(i, *s);
    else
      sqlite3_bind_null(st_, i);
  }
  void bind(int i, const std::optional<std::int64_t>& v) {
    if (v)
      bind(i, *v);
    else
      sqlite3_bind_null(st_, i);
  }
  /// SQLITE_ROW, SQLITE_DONE or an error.
  int step() { return sqlite3_step(st_); }

  std::string text(int i) const {
    auto* p = sqlite3_column_text(st_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
  }
  std::optional<std::string> opt_text(int i) const {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return text(i);
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
  std::optional<std::int64_t> opt_integer(int i) const {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return integer(i);
  }

 private:
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

/// The engine: every call is one transaction (or a savepoint of a group commit's batch), its
/// keyed refunds' too (refund_sqlite.cpp, through sqlite_write_transactions).
class sqlite_engine final : public store_engine, private sqlite_write_transactions {
 public:
  sqlite_engine(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)), refunds_(make_sqlite_refund_engine(db, *this)) {}
  ~sqlite_engine() override { sqlite3_close_v2(db_); }
  std::string describe() const override { return "sqlite:" + path_; }
  refund_engine* refunds() override { return refunds_.get(); }

  boost::system::error_code begin(charge_record& rec, bool& inserted) override;
  boost::system::error_code save(charge_record& rec, const std::string& detail) override;
  boost::system::error_code load(const std::string& key,
                                 std::optional<charge_record>& out) override;
  boost::system::error_code list(const charge_list_filter& f,
                                 std::vector<charge_record>& out) override;
  boost::system::error_code history(const std::string& key,
                                    std::vector<charge_journal_entry>& out) override;
  boost::system::error_code record_webhook(const std::string& key, const std::string& body,
                                           bool& fresh) override;
  bool leases() const override { return true; }

  boost::system::error_code acquire_lease(const std::string& terminal_id, const std::string& holder,
                                          const std::string& charge_key,
                                          std::chrono::milliseconds ttl,
                                          terminal_lease& out) override;
  boost::system::error_code extend_lease(const std::string& terminal_id, std::int64_t token,
                                         std::chrono::milliseconds ttl, bool stop,
                                         bool& done) override;
  boost::system::error_code release_lease(const std::string& terminal_id, const std::string& holder,
                                          std::int64_t token, bool& released) override;
  boost::system::error_code list_leases(std::vector<terminal_lease>& out) override;

  /// Whether the file is a charge store, or empty (before anything is written to it): its
  /// application_id is ours, or it has none and either no tables at all or the schema table of
  /// an earlier version (which migrate() then marks). Fills `why` when it is not.
  boost::system::error_code check_ours(std::string& why);
  /// Creates or checks the schema, and marks the file as a charge store (application_id).
  /// Fills `why` when refused.
  boost::system::error_code migrate(std::string& why);
  boost::system::error_code fail(std::string& why);
  bool exec(const char* sql);
  bool begin_batch() override;
  boost::system::error_code end_batch() override;

 private:
  /// One write's transaction: BEGIN IMMEDIATE, or a savepoint of the batch's transaction.
  bool open_transaction() override {
    return exec(batch_ ? "SAVEPOINT charge_write" : "BEGIN IMMEDIATE");
  }
  boost::system::error_code commit() override;
  boost::system::error_code rollback(boost::system::error_code ec) override;
  boost::system::error_code append(const charge_record& r, const std::string& detail);
  static void bind_record(statement& st, const charge_record& r);
  static terminal_lease read_lease(const statement& st, std::int64_t now);
  boost::system::error_code find_lease(const std::string& terminal_id, std::int64_t now,
                                       std::optional<terminal_lease>& out);
  /// Whether a save carrying `token` must be refused (charge_record::fencing_token): a newer
  /// token on the charge or its terminal's lease; without a token, a live lease of the key.
  boost::system::error_code fenced(const charge_record& stored, std::int64_t token, bool& out);
  static charge_record read_record(const statement& st);
  sqlite3* db_;
  std::string path_;
  bool batch_ = false;                      ///< between begin_batch() and end_batch()
  std::unique_ptr<refund_engine> refunds_;  ///< last: its writes use this engine's transactions
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
