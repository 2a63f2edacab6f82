// The SQLite engine's terminal leases (sqlite_engine.hpp; doc/fleet.md for the rules they share
// with the PostgreSQL store): expiry by the system clock (one machine), fencing tokens from one
// counter, a save refused when fenced out.
#include <paystack/error.hpp>

#include "sqlite_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

using boost::system::error_code;

namespace {

constexpr const char* lease_columns =
    "terminal_id, holder, charge_key, fencing_token, expires_at, stopped";

}  // namespace

error_code sqlite_engine::acquire_lease(const std::string& terminal_id, const std::string& holder,
                                        const std::string& charge_key,
                                        std::chrono::milliseconds ttl, terminal_lease& out) {
  if (!open_transaction()) return error::store_failed;
  const auto now = unix_ms();
  std::optional<terminal_lease> current;
  if (auto ec = find_lease(terminal_id, now, current)) return rollback(ec);
  // Taken over when expired, or by this key (its rerun or resume) when stopped or held by a
  // process of this machine that is gone.
  const bool own_key = current && current->charge_key == charge_key;
  if (current && current->expires_in.count() > 0 &&
      !(own_key && (current->stopped || holder_is_dead(current->holder)))) {
    out = std::move(*current);
    out.acquired = false;
    return commit();
  }
  if (!exec("UPDATE lease_tokens SET last = last + 1 WHERE singleton = 1"))
    return rollback(error::store_failed);
  std::int64_t token = 0;
  {
    statement st(db_, "SELECT last FROM lease_tokens WHERE singleton = 1");
    if (!st.ok() || st.step() != SQLITE_ROW) return rollback(error::store_failed);
    token = st.integer(0);
  }
  {
    statement st(db_, (std::string("INSERT OR REPLACE INTO terminal_leases (") + lease_columns +
                       ") VALUES (?,?,?,?,?,0)")
                          .c_str());
    if (!st.ok()) return rollback(error::store_failed);
    st.bind(1, terminal_id);
    st.bind(2, holder);
    st.bind(3, charge_key);
    st.bind(4, token);
    st.bind(5, now + ttl.count());
    if (st.step() != SQLITE_DONE) return rollback(error::store_failed);
  }
  out = terminal_lease{.acquired = true,
                       .terminal_id = terminal_id,
                       .holder = holder,
                       .charge_key = charge_key,
                       .fencing_token = token,
                       .expires_in = ttl,
                       .stopped = false};
  return commit();
}

error_code sqlite_engine::extend_lease(const std::string& terminal_id, std::int64_t token,
                                       std::chrono::milliseconds ttl, bool stop, bool& done) {
  statement st(db_,
               "UPDATE terminal_leases SET expires_at = ?, stopped = max(stopped, ?) "
               "WHERE terminal_id = ? AND fencing_token = ? AND (? = 1 OR stopped = 0)");
  if (!st.ok()) return error::store_failed;
  st.bind(1, unix_ms() + ttl.count());
  st.bind(2, std::int64_t{stop ? 1 : 0});
  st.bind(3, terminal_id);
  st.bind(4, token);
  st.bind(5, std::int64_t{stop ? 1 : 0});
  if (st.step() != SQLITE_DONE) return error::store_failed;
  done = sqlite3_changes(db_) == 1;
  return {};
}

error_code sqlite_engine::release_lease(const std::string& terminal_id, const std::string& holder,
                                        std::int64_t token, bool& released) {
  statement st(db_,
               "DELETE FROM terminal_leases WHERE terminal_id = ? AND (? = '' OR holder = ?) "
               "AND (? = 0 OR fencing_token = ?)");
  if (!st.ok()) return error::store_failed;
  st.bind(1, terminal_id);
  st.bind(2, holder);
  st.bind(3, holder);
  st.bind(4, token);
  st.bind(5, token);
  if (st.step() != SQLITE_DONE) return error::store_failed;
  released = sqlite3_changes(db_) == 1;
  return {};
}

error_code sqlite_engine::list_leases(std::vector<terminal_lease>& out) {
  statement st(db_, (std::string("SELECT ") + lease_columns +
                     " FROM terminal_leases ORDER BY terminal_id LIMIT 1000")
                        .c_str());
  if (!st.ok()) return error::store_failed;
  const auto now = unix_ms();
  int rc = SQLITE_ROW;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_lease(st, now));
  return rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

terminal_lease sqlite_engine::read_lease(const statement& st, std::int64_t now) {
  terminal_lease l;
  l.terminal_id = st.text(0);
  l.holder = st.text(1);
  l.charge_key = st.text(2);
  l.fencing_token = st.integer(3);
  l.expires_in = std::chrono::milliseconds(st.integer(4) - now);
  l.stopped = st.integer(5) != 0;
  return l;
}

error_code sqlite_engine::find_lease(const std::string& terminal_id, std::int64_t now,
                                     std::optional<terminal_lease>& out) {
  statement st(
      db_, (std::string("SELECT ") + lease_columns + " FROM terminal_leases WHERE terminal_id = ?")
               .c_str());
  if (!st.ok()) return error::store_failed;
  st.bind(1, terminal_id);
  const int rc = st.step();
  if (rc == SQLITE_ROW) out = read_lease(st, now);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

/// Whether a save carrying `token` must be refused (charge_record::fencing_token): a newer
/// token on the charge or its terminal's lease; without a token, a live lease of the key.
error_code sqlite_engine::fenced(const charge_record& stored, std::int64_t token, bool& out) {
  out = false;
  if (token != 0) {
    if (stored.fencing_token > token) {
      out = true;
      return {};
    }
    statement st(db_,
                 "SELECT count(*) FROM terminal_leases WHERE terminal_id = ? AND "
                 "fencing_token > ?");
    if (!st.ok()) return error::store_failed;
    st.bind(1, stored.terminal_id);
    st.bind(2, token);
    if (st.step() != SQLITE_ROW) return error::store_failed;
    out = st.integer(0) != 0;
    return {};
  }
  statement st(db_,
               "SELECT count(*) FROM terminal_leases WHERE charge_key = ? AND expires_at > ? "
               "AND stopped = 0");
  if (!st.ok()) return error::store_failed;
  st.bind(1, stored.key);
  st.bind(2, unix_ms());
  if (st.step() != SQLITE_ROW) return error::store_failed;
  out = st.integer(0) != 0;
  return {};
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
