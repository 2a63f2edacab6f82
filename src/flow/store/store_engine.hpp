// The synchronous engines behind paystack::charge_store (memory, SQLite) and the one adapter that
// makes them asynchronous (engine_store in charge_store.cpp). Private to src/flow/.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <paystack/charge_store.hpp>
#include <paystack/export.hpp>
#include <string>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace detail {

class refund_engine;

/// The merchant a semantic key is scoped by (webhook_semantic_key: "m1/charge.success:pos_1"
/// gives "m1"), or "" for an unscoped key. A merchant name holds no ':' or '/', and an
/// unscoped key has a ':' before any '/', so the split is unambiguous.
inline std::string_view merchant_of_key(std::string_view key) noexcept {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  const auto head = key.substr(0, slash);
  return head.find(':') == std::string_view::npos ? head : std::string_view{};
}

/// The key without its merchant scope ("m1/charge.success:pos_1" gives "charge.success:pos_1").
inline std::string_view unscoped_key(std::string_view key) noexcept {
  const auto m = merchant_of_key(key);
  return m.empty() ? key : key.substr(m.size() + 1);
}

// PAYSTACK_EXPORT (paystack/export.hpp) marks what the store libraries paystack::sqlite and
// paystack::postgresql call in the core library: exported from libpaystack.so.0, not public API.

/// One engine: every call is one transaction; not thread-safe (engine_store serialises calls).
class PAYSTACK_EXPORT store_engine {
 public:
  virtual ~store_engine() = default;
  /// "memory" or "sqlite:PATH".
  virtual std::string describe() const = 0;
  /// Inserts `rec` unless its key exists; `rec` becomes the stored record.
  virtual boost::system::error_code begin(charge_record& rec, bool& inserted) = 0;
  /// Writes `rec` if the stored version is rec.version, appending a journal entry.
  virtual boost::system::error_code save(charge_record& rec, const std::string& detail) = 0;
  /// The record of `key`.
  virtual boost::system::error_code load(const std::string& key,
                                         std::optional<charge_record>& out) = 0;
  /// The records `f` selects, oldest first.
  virtual boost::system::error_code list(const charge_list_filter& f,
                                         std::vector<charge_record>& out) = 0;
  /// The journal of `key`.
  virtual boost::system::error_code history(const std::string& key,
                                            std::vector<charge_journal_entry>& out) = 0;
  /// Records a webhook's semantic key unless present.
  virtual boost::system::error_code record_webhook(const std::string& key, const std::string& body,
                                                   bool& fresh) = 0;

  // Terminal leases (charge_store's lease operations; `holder` is this process). An engine
  // without leases (memory) keeps these defaults: every acquisition granted with token 0.
  /// Whether the engine leases terminals.
  virtual bool leases() const { return false; }
  /// Takes the lease when free, expired, or stopped by the same charge key; `out` describes it.
  virtual boost::system::error_code acquire_lease(const std::string& terminal_id,
                                                  const std::string& holder,
                                                  const std::string& charge_key,
                                                  std::chrono::milliseconds ttl,
                                                  terminal_lease& out);
  /// Extends (renew) or marks stopped and extends (stop) the lease while `token` is its token.
  virtual boost::system::error_code extend_lease(const std::string& terminal_id, std::int64_t token,
                                                 std::chrono::milliseconds ttl, bool stop,
                                                 bool& done);
  /// Deletes the lease if it is still held by `holder` (when not empty) with `token` (when not 0).
  virtual boost::system::error_code release_lease(const std::string& terminal_id,
                                                  const std::string& holder, std::int64_t token,
                                                  bool& released);
  /// The leases, by terminal (at most 1,000).
  virtual boost::system::error_code list_leases(std::vector<terminal_lease>& out);

  // Group commit (SQLite): the calls between begin_batch() and end_batch() share one
  // transaction, each write a savepoint of it (a write that fails rolls back only itself).
  /// Opens the batch's transaction; false when the engine does not batch or cannot open it (the
  /// calls then run one transaction each).
  virtual bool begin_batch() { return false; }
  /// Commits the batch: an error means nothing of it was committed.
  virtual boost::system::error_code end_batch() { return {}; }

  /// The engine's keyed refunds (store/refund_engine.hpp); null: it keeps none.
  virtual refund_engine* refunds() { return nullptr; }
};

/// The in-memory engine.
std::unique_ptr<store_engine> make_memory_engine();

/// The asynchronous charge_store over `engine`, whose calls run on a thread of the store, and
/// `reader` (may be null), whose reads run on another (charge_store.cpp's engine_store): how
/// paystack::sqlite makes its store.
PAYSTACK_EXPORT std::shared_ptr<charge_store> make_engine_store(
    boost::asio::any_io_executor executor, std::unique_ptr<store_engine> engine,
    std::unique_ptr<store_engine> reader);

/// The SQLite engine on `path` (created if needed). Null with `ec`/`why` on failure.
std::unique_ptr<store_engine> open_sqlite_engine(const std::string& path, int busy_timeout_ms,
                                                 boost::system::error_code& ec, std::string& why);

/// A second connection to the SQLite file of an engine opened by open_sqlite_engine, for reads
/// (load, list, history, list_leases) while the writer commits (WAL: readers see the last
/// commit and never wait for the writer). Null with `ec`/`why` on failure.
std::unique_ptr<store_engine> open_sqlite_reader(const std::string& path, int busy_timeout_ms,
                                                 boost::system::error_code& ec, std::string& why);

/// Unix time in milliseconds (the system clock: records are read by other processes).
PAYSTACK_EXPORT std::int64_t unix_ms();

/// This process as a lease holder: "HOST:PID/N" (N counts the stores the process opened).
PAYSTACK_EXPORT std::string lease_holder_name();

/// Whether `holder` (a lease_holder_name) is a process of this host that is gone (kill(PID, 0)
/// answers ESRCH): its lease can be taken over at once instead of when it expires. False for
/// another host, this process, or anything unreadable (doc/fleet.md: host names must differ
/// between machines and PID namespaces sharing a store).
PAYSTACK_EXPORT bool holder_is_dead(std::string_view holder);

/// The largest list a store returns.
inline constexpr std::size_t max_charge_list = 10'000;

}  // namespace detail
}  // namespace v0
}  // namespace paystack
