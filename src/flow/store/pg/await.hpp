// Awaitable forms of pg::connection's operations, for the coroutines of src/flow/store/pg. Bind the
// awaitable to a local, then co_await it alone (GCC 12, doc/adr/0002-async-model.md):
//     auto op = pg::query(conn, "SELECT $1::int", {"1"}, timeout);
//     auto [ec, r] = co_await std::move(op);
#pragma once

#include <boost/asio/awaitable.hpp>
#include <tuple>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

using outcome = std::tuple<boost::system::error_code, result>;

boost::asio::awaitable<outcome> query(std::shared_ptr<connection> c, std::string sql, params p,
                                      std::chrono::milliseconds timeout);
boost::asio::awaitable<outcome> exec(std::shared_ptr<connection> c, std::string sql,
                                     std::chrono::milliseconds timeout);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
