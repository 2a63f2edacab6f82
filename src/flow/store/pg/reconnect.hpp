// The PostgreSQL store's reconnect policy as an I/O-free state machine (issue 22; as Boost.MySQL
// decides its connection pool's steps): every path of one statement (connect fails, the reply is
// lost, the server refuses it, a timeout, the store closed) is decided by one pure function,
// next_step(); the socket code (src/flow/store/pg_store.cpp, pg_store::retrying) only carries the
// decision out. Unit-tested without a server (tests/unit/pg_reconnect_test.cpp).
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>

namespace paystack {
inline namespace v0 {
namespace pg {

/// At most this many attempts of one statement.
inline constexpr int max_statement_attempts = 3;

/// The state of one statement's attempts.
struct reconnect_state {
  int attempts = 0;                ///< attempts made so far (connect or statement)
  bool maybe_sent_before = false;  ///< an attempt lost its connection after sending
};

/// What the socket code does next.
struct reconnect_step {
  enum class action {
    done,    ///< the statement was answered: hand its result over
    retry,   ///< reconnect (when needed) and send it again, after `pause`
    give_up  ///< error::store_failed (a refusal by the server, a timeout, no more attempts)
  };
  action what = action::give_up;
  std::chrono::milliseconds pause{0};  ///< before the retry
};

/// Decides what follows an attempt that ended with `ec` (errc of src/flow/store/pg/connection.hpp;
/// clear: answered), with `left` of the statement's time remaining. Updates `state`. Rules: an
/// answer is done and a server error (query_failed) final; nothing is sent again once the time is
/// spent, after a timeout
/// (the statement may still run), or after close(); a statement that met no connection or
/// could not connect is sent again; one whose connection was lost after it may have reached the
/// server is sent again only when `resend_lost` (its caller recognises an earlier commit by
/// state.maybe_sent_before); at most max_statement_attempts, the third after 200 ms (a
/// connection cut while idle reconnects at once the first time).
reconnect_step next_step(reconnect_state& state, const boost::system::error_code& ec,
                         bool resend_lost, std::chrono::milliseconds left) noexcept;

}  // namespace pg
}  // namespace v0
}  // namespace paystack
