// The fleet's webhook inbox as a webhook_feed (doc/fleet.md): one LISTEN connection per store;
// each NOTIFY of paystack_webhook (or a reconnect) reads the inbox rows after the last one read
// and publishes each verified body. The table is the truth: a connection lost is re-opened (after
// a pause) and the missed rows are read. The first connection starts with the rows of the last
// 30 s. Private to src/flow/.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <paystack/webhook.hpp>
#include <string>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

class pg_inbox_feed : public std::enable_shared_from_this<pg_inbox_feed> {
 public:
  /// Starts listening on `url` (connects on `ex`); events go to feed().
  static std::shared_ptr<pg_inbox_feed> start(boost::asio::any_io_executor ex, std::string url,
                                              std::chrono::milliseconds timeout);
  pg_inbox_feed(boost::asio::any_io_executor ex, std::string url,
                std::chrono::milliseconds timeout);
  /// Where the inbox's events are published (on the listening connection's strand).
  const std::shared_ptr<webhook_feed>& feed() const noexcept { return feed_; }
  /// Stops listening: closes the connection, no reconnect.
  void stop();

 private:
  void connect();
  void listen();
  void read_more();
  void retry_later();

  std::shared_ptr<webhook_feed> feed_ = std::make_shared<webhook_feed>();
  std::shared_ptr<pg::connection> conn_;
  std::chrono::milliseconds timeout_;
  boost::asio::steady_timer retry_;
  // On the connection's strand only:
  std::int64_t last_seq_ = -1;  // -1 until the first connect read the newest seq
  bool reading_ = false;
  bool again_ = false;
  bool stopped_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
