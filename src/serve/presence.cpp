// The presence of the service's terminals (charge_service_options::presence_interval): polled,
// since Paystack sends no terminal events, as housekeeping calls of the rate budget; seen in
// GET /v1/terminals and in paystack_terminal_up / paystack_terminal_last_seen_timestamp_seconds.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/metrics.hpp>

#include "service_impl.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;

namespace {

struct terminal_families {
  metrics::family<metrics::gauge>& up;
  metrics::family<metrics::gauge>& last_seen;
};

terminal_families& terminal_metrics() {
  static terminal_families f{
      metrics::default_registry().add_gauge(
          "paystack_terminal_up",
          "1 when the terminal's last presence check found it online and available, else 0.",
          {"terminal_id"}),
      metrics::default_registry().add_gauge("paystack_terminal_last_seen_timestamp_seconds",
                                            "When the terminal was last found online (Unix time).",
                                            {"terminal_id"})};
  return f;
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void charge_service::impl::saw_presence(const std::string& terminal_id,
                                        const terminal_status& status) {
  auto& seen = presence[terminal_id];
  seen.status = status;
  seen.at_ms = unix_ms();
  if (status.online) seen.last_seen_ms = seen.at_ms;
  auto& m = terminal_metrics();
  m.up.with({terminal_id}).set(status.online && status.available ? 1 : 0);
  if (seen.last_seen_ms)
    m.last_seen.with({terminal_id}).set(static_cast<double>(seen.last_seen_ms) / 1000.0);
}

void charge_service::impl::schedule_presence() {
  if (options.presence_interval.count() <= 0 || stopped || draining) return;
  presence_timer.expires_after(options.presence_interval);
  presence_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped || self->draining) return;
    asio::co_spawn(self->strand, self->presence_round(), asio::detached);
    self->schedule_presence();
  });
}

asio::awaitable<void> charge_service::impl::presence_round() {
  if (presence_busy) co_return;  // the previous round is still asking
  presence_busy = true;
  auto self = shared_from_this();
  list_terminals_params p;
  p.per_page = 100;
  auto list = client.async_list_terminals(p, asio::as_tuple(asio::use_awaitable));
  auto [ec, r] = co_await std::move(list);
  if (!ec && r.ok() && r.data) {
    for (const auto& t : *r.data) {
      if (stopped) break;
      auto fetch =
          client.async_fetch_terminal_status(t.terminal_id, asio::as_tuple(asio::use_awaitable));
      auto [sec, s] = co_await std::move(fetch);
      // No answer: what was seen last stays (last_seen tells how old it is).
      if (!sec && s.ok() && s.data) saw_presence(t.terminal_id, *s.data);
    }
  }
  presence_busy = false;
}

}  // namespace v0
}  // namespace paystack
