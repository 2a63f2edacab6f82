#include "pg/reconnect.hpp"

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

reconnect_step next_step(reconnect_state& state, const boost::system::error_code& ec,
                         bool resend_lost, std::chrono::milliseconds left) noexcept {
  using action = reconnect_step::action;
  ++state.attempts;
  if (!ec) return {action::done, {}};
  const bool unsent = ec == errc::not_connected || ec == errc::connect_failed;
  const bool lost = ec == errc::connection_lost;
  if (lost) state.maybe_sent_before = true;
  if (!unsent && !(lost && resend_lost)) return {action::give_up, {}};
  if (state.attempts >= max_statement_attempts || left.count() <= 0) return {action::give_up, {}};
  const auto pause =
      state.attempts >= 2 ? std::chrono::milliseconds(200) : std::chrono::milliseconds(0);
  if (pause >= left) return {action::give_up, {}};
  return {action::retry, pause};
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
