#include "pg/rate_budget.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace paystack {
inline namespace v0 {
namespace pg {

using boost::system::error_code;

namespace {

constexpr std::chrono::milliseconds statement_timeout{10000};

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

query_handler plain(budget_handler h) {
  return [h = std::move(h)](error_code ec, result) mutable { std::move(h)(ec); };
}

}  // namespace

void async_configure_budget(connection& c, budget_config config, budget_handler h) {
  c.async_query(
      "INSERT INTO paystack_rate_budget AS b"
      " (integration, capacity, refill_per_second, reserve, tokens)"
      " VALUES ($1, $2::float8, $3::float8 / 60, $4::float8, $2::float8)"
      " ON CONFLICT (integration) DO UPDATE SET capacity = EXCLUDED.capacity,"
      "  refill_per_second = EXCLUDED.refill_per_second, reserve = EXCLUDED.reserve,"
      "  tokens = least(b.tokens, EXCLUDED.capacity)",
      {std::move(config.integration), number(config.capacity), number(config.per_minute),
       number(config.reserve)},
      statement_timeout, plain(std::move(h)));
}

void async_take_budget(connection& c, std::string integration, call_priority priority, double cost,
                       take_handler h) {
  // One clock reading; the bucket's row locked for the statement (FOR UPDATE), refilled for the
  // time since its last change, and taken from only down to the priority's floor.
  static constexpr const char* sql =
      "WITH cur AS ("
      " SELECT b.integration, clock_timestamp() AS ts, b.refill_per_second AS rate,"
      "  least(b.capacity, b.tokens + greatest(0, extract(epoch FROM clock_timestamp() -"
      "   b.updated_at)) * b.refill_per_second) AS avail,"
      "  CASE WHEN $2::bool THEN 0 ELSE b.reserve END AS floor"
      " FROM paystack_rate_budget b WHERE b.integration = $1 FOR UPDATE),"
      " upd AS (UPDATE paystack_rate_budget b SET tokens = cur.avail - $3::float8,"
      "  updated_at = cur.ts FROM cur WHERE b.integration = cur.integration"
      "  AND cur.avail - $3::float8 >= cur.floor RETURNING b.tokens)"
      " SELECT EXISTS (SELECT 1 FROM upd), avail,"
      "  CASE WHEN avail - $3::float8 >= floor THEN 0"
      "   ELSE ceil((floor + $3::float8 - avail) / rate * 1000)::bigint END"
      " FROM cur";
  const bool critical = priority == call_priority::payment_critical;
  c.async_query(sql, {std::move(integration), critical ? "true" : "false", number(cost)},
                statement_timeout, [h = std::move(h)](error_code ec, result r) mutable {
                  take_result out;
                  if (!ec && r.rows() != 1) {
                    ec = make_error_code(errc::query_failed);  // no bucket for the integration
                  }
                  if (!ec) {
                    out.granted = r.value(0, 0) == "t";
                    out.available = std::strtod(std::string(r.value(0, 1)).c_str(), nullptr);
                    out.retry_after = std::chrono::milliseconds(r.integer(0, 2));
                  }
                  std::move(h)(ec, out);
                });
}

void async_observe_rate_limit(connection& c, std::string integration, std::int64_t limit,
                              std::int64_t remaining, budget_handler h) {
  c.async_query(
      "UPDATE paystack_rate_budget SET"
      " capacity = CASE WHEN $2::float8 > 0 THEN $2::float8 ELSE capacity END,"
      " tokens = least(least(capacity, tokens + greatest(0, extract(epoch FROM"
      "  clock_timestamp() - updated_at)) * refill_per_second), greatest(0, $3::float8)),"
      " updated_at = clock_timestamp()"
      " WHERE integration = $1",
      {std::move(integration), std::to_string(limit), std::to_string(remaining)}, statement_timeout,
      plain(std::move(h)));
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
