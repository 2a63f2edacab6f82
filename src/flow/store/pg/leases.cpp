#include "pg/leases.hpp"

#include <utility>

namespace paystack {
inline namespace v0 {
namespace pg {

using boost::system::error_code;

namespace {

constexpr std::chrono::milliseconds statement_timeout{10000};

// Columns: terminal_id, holder, charge_key, fencing_token, expires_in_ms, stopped[, acquired].
constexpr const char* lease_columns =
    "terminal_id, holder, charge_key, fencing_token, "
    "floor(extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint,"
    " stopped_at IS NOT NULL";

lease read_lease(const result& r, int row) {
  lease l;
  l.terminal_id = std::string(r.value(row, 0));
  l.holder = std::string(r.value(row, 1));
  l.charge_key = std::string(r.value(row, 2));
  l.fencing_token = r.integer(row, 3);
  l.expires_in = std::chrono::milliseconds(r.integer(row, 4));
  l.stopped = r.value(row, 5) == "t";
  return l;
}

}  // namespace

void async_acquire_lease(connection& c, std::string terminal_id, std::string holder,
                         std::string charge_key, std::chrono::milliseconds ttl, lease_handler h,
                         std::string dead_holder) {
  // Inserted, or taken over when expired or stopped by the same charge key (its resume);
  // otherwise the current row (when this statement's snapshot can see it: a holder that
  // committed after it started shows as unknown).
  std::string sql =
      std::string(
          "WITH taken AS ("
          " INSERT INTO paystack_terminal_leases AS l"
          "  (terminal_id, holder, charge_key, fencing_token, expires_at)"
          " VALUES ($1, $2, $3, nextval('paystack_fencing_tokens'),"
          "  clock_timestamp() + $4::bigint * interval '1 millisecond')"
          " ON CONFLICT (terminal_id) DO UPDATE SET holder = EXCLUDED.holder,"
          "  charge_key = EXCLUDED.charge_key, fencing_token = EXCLUDED.fencing_token,"
          "  acquired_at = clock_timestamp(), expires_at = EXCLUDED.expires_at, stopped_at = NULL"
          "  WHERE l.expires_at <= clock_timestamp()"
          "   OR (l.stopped_at IS NOT NULL AND l.charge_key = EXCLUDED.charge_key)"
          "   OR (l.stopped_at IS NULL AND $5 <> '' AND l.holder = $5)"
          " RETURNING *)"
          " SELECT ") +
      lease_columns + ", true FROM taken UNION ALL SELECT " + lease_columns +
      ", false FROM paystack_terminal_leases WHERE terminal_id = $1"
      " AND NOT EXISTS (SELECT 1 FROM taken)";
  params p{terminal_id, std::move(holder), std::move(charge_key), std::to_string(ttl.count()),
           std::move(dead_holder)};
  c.async_query(std::move(sql), std::move(p), statement_timeout,
                [h = std::move(h), terminal_id](error_code ec, result r) mutable {
                  lease l;
                  l.terminal_id = terminal_id;
                  if (!ec && r.rows() == 1) {
                    l = read_lease(r, 0);
                    l.acquired = r.value(0, 6) == "t";
                  }
                  std::move(h)(ec, std::move(l));
                });
}

void async_renew_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                       std::chrono::milliseconds ttl, done_handler h) {
  c.async_query(
      "UPDATE paystack_terminal_leases SET expires_at = clock_timestamp() + "
      "$3::bigint * interval '1 millisecond' WHERE terminal_id = $1 AND fencing_token = $2::bigint"
      " AND stopped_at IS NULL",
      {std::move(terminal_id), std::to_string(fencing_token), std::to_string(ttl.count())},
      statement_timeout, changed_one_row(std::move(h)));
}

void async_stop_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                      std::chrono::milliseconds ttl, done_handler h) {
  c.async_query(
      "UPDATE paystack_terminal_leases SET stopped_at = clock_timestamp(),"
      " expires_at = clock_timestamp() + $3::bigint * interval '1 millisecond'"
      " WHERE terminal_id = $1 AND fencing_token = $2::bigint",
      {std::move(terminal_id), std::to_string(fencing_token), std::to_string(ttl.count())},
      statement_timeout, changed_one_row(std::move(h)));
}

void async_release_lease(connection& c, std::string terminal_id, std::int64_t fencing_token,
                         done_handler h) {
  c.async_query(
      "DELETE FROM paystack_terminal_leases WHERE terminal_id = $1 AND fencing_token = $2::bigint",
      {std::move(terminal_id), std::to_string(fencing_token)}, statement_timeout,
      changed_one_row(std::move(h)));
}

void async_release_lease_of(connection& c, std::string terminal_id, std::string holder,
                            std::int64_t fencing_token, done_handler h) {
  c.async_query(
      "DELETE FROM paystack_terminal_leases WHERE terminal_id = $1 AND ($2 = '' OR holder = $2)"
      " AND ($3::bigint = 0 OR fencing_token = $3::bigint)",
      {std::move(terminal_id), std::move(holder), std::to_string(fencing_token)}, statement_timeout,
      changed_one_row(std::move(h)));
}

void async_list_leases(connection& c, leases_handler h) {
  c.async_query(std::string("SELECT ") + lease_columns +
                    " FROM paystack_terminal_leases ORDER BY terminal_id LIMIT 1000",
                {}, statement_timeout, [h = std::move(h)](error_code ec, result r) mutable {
                  std::vector<lease> out;
                  for (int i = 0; !ec && i < r.rows(); ++i) out.push_back(read_lease(r, i));
                  std::move(h)(ec, std::move(out));
                });
}

void async_show_lease(connection& c, std::string terminal_id, lease_found_handler h) {
  c.async_query(std::string("SELECT ") + lease_columns +
                    " FROM paystack_terminal_leases WHERE terminal_id = $1",
                {std::move(terminal_id)}, statement_timeout,
                [h = std::move(h)](error_code ec, result r) mutable {
                  std::optional<lease> found;
                  if (!ec && r.rows() == 1) found = read_lease(r, 0);
                  std::move(h)(ec, std::move(found));
                });
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
