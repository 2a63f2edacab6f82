// pg_inbox_feed: the fleet's webhook inbox published to a webhook_feed (pg_inbox_feed.hpp).
#include "pg_inbox_feed.hpp"

#include <boost/asio/dispatch.hpp>

#include "flow_metrics.hpp"
#include "pg/inbox.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::chrono::seconds reconnect_pause{1};
constexpr int rows_per_read = 1000;
}  // namespace

std::shared_ptr<pg_inbox_feed> pg_inbox_feed::start(asio::any_io_executor ex, std::string url,
                                                    std::chrono::milliseconds timeout) {
  auto f = std::make_shared<pg_inbox_feed>(std::move(ex), std::move(url), timeout);
  std::weak_ptr<pg_inbox_feed> weak = f;
  f->conn_->on_notification([weak](const pg::notification& n) {
    auto self = weak.lock();
    if (!self || n.channel != pg::inbox_channel) return;
    auto parsed = pg::parse_inbox_notification(n.payload);
    if (parsed && parsed->first <= self->last_seq_) return;  // read already
    self->read_more();
  });
  f->conn_->on_lost([weak](error_code) {
    if (auto self = weak.lock()) self->retry_later();
  });
  asio::dispatch(f->conn_->strand(), [f] { f->connect(); });
  return f;
}

pg_inbox_feed::pg_inbox_feed(asio::any_io_executor ex, std::string url,
                             std::chrono::milliseconds timeout)
    : conn_(pg::connection::create(ex, std::move(url))),
      timeout_(timeout),
      retry_(conn_->strand()) {}

void pg_inbox_feed::stop() {
  asio::dispatch(conn_->strand(), [self = shared_from_this()] {
    self->stopped_ = true;
    self->retry_.cancel();
    self->conn_->close();
  });
}

void pg_inbox_feed::connect() {
  if (stopped_) return;
  conn_->async_connect(timeout_, [self = shared_from_this()](error_code ec) {
    if (ec) return self->retry_later();
    self->listen();
  });
}

void pg_inbox_feed::listen() {
  // LISTEN first, then read: a row stored in between is both notified and read (read once,
  // by seq). The first connect starts with the rows of the last 30 s (by the database's clock:
  // what was stored while this feed was connecting, at the latest; older rows are of charges
  // that found them by verify); a reconnect reads everything it missed.
  conn_->async_exec(
      "LISTEN paystack_webhook; SELECT coalesce((SELECT seq FROM paystack_webhook_inbox WHERE"
      " received_at < clock_timestamp() - interval '30 seconds' ORDER BY seq DESC LIMIT 1), 0)",
      timeout_, [self = shared_from_this()](error_code ec, pg::result r) {
        if (ec) return;  // lost: on_lost reconnects
        if (self->last_seq_ < 0) self->last_seq_ = r.integer(0, 0);
        self->read_more();
      });
}

void pg_inbox_feed::read_more() {
  if (stopped_ || last_seq_ < 0) return;
  if (reading_) {
    again_ = true;
    return;
  }
  reading_ = true;
  pg::async_read_inbox(
      *conn_, last_seq_, rows_per_read,
      [self = shared_from_this()](error_code ec, std::vector<pg::inbox_event> events) {
        self->reading_ = false;
        if (ec) return;  // lost: on_lost reconnects and reads again
        for (auto& e : events) {
          self->last_seq_ = std::max(self->last_seq_, e.seq);
          // Stored by one instance, seen here: both times by the database's clock.
          flow_metrics::get().inbox_lag.observe(static_cast<double>(e.age_ms) / 1000.0);
          auto parsed = parse_webhook_event(e.body);
          if (parsed) parsed->merchant = e.merchant;
          if (parsed) self->feed_->publish(*parsed);
        }
        const bool more = events.size() == static_cast<std::size_t>(rows_per_read);
        if (more || std::exchange(self->again_, false)) self->read_more();
      });
}

void pg_inbox_feed::retry_later() {
  if (stopped_) return;
  reading_ = false;
  retry_.expires_after(reconnect_pause);
  retry_.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (!ec && self) self->connect();
  });
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
