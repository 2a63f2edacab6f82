#include "pg/await.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace paystack {
inline namespace v0 {
namespace pg {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

struct query_initiation {
  std::shared_ptr<connection> c;
  template <class Handler>
  void operator()(Handler&& h, std::string sql, params p, bool simple,
                  std::chrono::milliseconds timeout) const {
    if (simple) {
      c->async_exec(std::move(sql), timeout, std::forward<Handler>(h));
    } else {
      c->async_query(std::move(sql), std::move(p), timeout, std::forward<Handler>(h));
    }
  }
};

asio::awaitable<outcome> run(std::shared_ptr<connection> c, std::string sql, params p, bool simple,
                             std::chrono::milliseconds timeout) {
  auto token = asio::as_tuple(asio::use_awaitable);
  auto op = asio::async_initiate<decltype(token), void(error_code, result)>(
      query_initiation{std::move(c)}, token, std::move(sql), std::move(p), simple, timeout);
  auto out = co_await std::move(op);
  co_return out;
}

}  // namespace

asio::awaitable<outcome> query(std::shared_ptr<connection> c, std::string sql, params p,
                               std::chrono::milliseconds timeout) {
  return run(std::move(c), std::move(sql), std::move(p), false, timeout);
}

asio::awaitable<outcome> exec(std::shared_ptr<connection> c, std::string sql,
                              std::chrono::milliseconds timeout) {
  return run(std::move(c), std::move(sql), {}, true, timeout);
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
