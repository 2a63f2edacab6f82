// One PostgreSQL connection driven asynchronously on Asio (libpq, no thread per query).
//
// libpq's socket is watched through an asio::posix::stream_descriptor (released, never closed,
// before PQfinish: the socket is libpq's). Connecting is PQconnectStart/PQconnectPoll; a query is
// PQsendQueryParams in non-blocking mode with PQflush, its results read with PQconsumeInput,
// PQisBusy and PQgetResult. Every wake-up re-checks readiness with poll(2), so a readiness edge
// that Asio's edge-triggered reactor saw while no wait was pending is never lost. LISTEN works
// through the notification handler (PQnotifies). Queries run one after the other in the order
// they were started (libpq has one query in flight per connection).
//
// All work runs on the connection's strand; handlers are invoked on it and never from within the
// initiating function. A dropped connection completes the query in flight and every queued one
// with `errc::connection_lost` and calls the lost handler once; `async_connect` reconnects.
#pragma once

#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct pg_result;  // libpq's PGresult
struct pg_conn;    // libpq's PGconn

namespace paystack {
inline namespace v0 {
namespace pg {

enum class errc {
  connect_failed = 1,  // the server could not be reached or refused the connection
  connection_lost,     // the connection dropped (server gone, backend terminated, socket error)
  not_connected,       // no connection: async_connect first (or again, after a loss)
  query_failed,        // the server answered with an error: see result::sqlstate()
  timed_out,           // no answer in time (the connection is closed: reconnect)
  closed,              // close() was called while the operation was pending
  schema_too_new,      // the database was written by a newer version (schema.hpp)
};
const boost::system::error_category& category() noexcept;
boost::system::error_code make_error_code(errc e) noexcept;

/// SQLSTATE codes the fleet code acts on.
inline constexpr std::string_view unique_violation = "23505";
inline constexpr std::string_view serialization_failure = "40001";

/// The outcome of one statement: rows in text format, or the server's error.
class result {
 public:
  result() = default;
  explicit result(pg_result* r);  // takes ownership
  static result error(std::string message, std::string sqlstate = {});

  int rows() const noexcept;
  int columns() const noexcept;
  bool is_null(int row, int column) const noexcept;
  /// The text of a field ("" for NULL or out of range).
  std::string_view value(int row, int column) const noexcept;
  std::optional<std::string> optional(int row, int column) const;
  std::int64_t integer(int row, int column) const;  // 0 when NULL or not a number
  /// Rows changed by INSERT/UPDATE/DELETE (PQcmdTuples), 0 otherwise.
  std::int64_t affected() const noexcept;
  /// The server's SQLSTATE for an error ("23505" unique violation, ...), "" otherwise.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// The server's or libpq's message for an error, "" otherwise.
  const std::string& message() const noexcept { return message_; }

 private:
  std::shared_ptr<pg_result> res_;
  std::string message_;
  std::string sqlstate_;
};

/// A NOTIFY received on a channel this connection LISTENs to.
struct notification {
  std::string channel;
  std::string payload;
  int backend_pid = 0;
};

using params = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL
/// What a query completes with (the handler's arguments).
using outcome_of_query = std::pair<boost::system::error_code, result>;
using connect_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
using query_handler = boost::asio::any_completion_handler<void(boost::system::error_code, result)>;
using bool_handler = boost::asio::any_completion_handler<void(boost::system::error_code, bool)>;

/// A query handler answering `h` whether the statement changed exactly one row.
query_handler changed_one_row(bool_handler h);

class connection : public std::enable_shared_from_this<connection> {
 public:
  /// `conninfo`: a libpq connection string or URL (postgresql://user@host:port/db).
  static std::shared_ptr<connection> create(boost::asio::any_io_executor ex, std::string conninfo);
  /// Pending operations complete with errc::closed (posted to their executors).
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects (or reconnects, closing the current connection first), bounded by `timeout`.
  void async_connect(std::chrono::milliseconds timeout, connect_handler h);
  /// One statement with `$1`.. parameters (extended protocol), bounded by `timeout` from the
  /// moment it is sent. A timeout closes the connection.
  void async_query(std::string sql, params p, std::chrono::milliseconds timeout, query_handler h);
  /// Several statements without parameters (simple protocol; one implicit transaction unless
  /// they say BEGIN/COMMIT): the first error, or the last statement's result.
  void async_exec(std::string sql, std::chrono::milliseconds timeout, query_handler h);
  /// Called on the strand for every NOTIFY received (set before LISTEN).
  void on_notification(std::function<void(const notification&)> f);
  /// Called on the strand once per connection that drops or times out (not for close()).
  void on_lost(std::function<void(boost::system::error_code)> f);
  /// Closes: pending operations complete with errc::closed.
  void close();
  /// The server process id of the current connection (0 when none): for pg_terminate_backend.
  int backend_pid() const noexcept { return pid_.load(); }
  bool is_connected() const noexcept { return pid_.load() != 0; }
  /// libpq's message for the last failed connect or lost connection (read it after the
  /// handler ran). Every message this connection passes on (this one, and a refused statement's
  /// result::message()) has the conninfo's password removed (conninfo.hpp): libpq may echo
  /// parts of the conninfo.
  std::string last_error() const;
  const boost::asio::strand<boost::asio::any_io_executor>& strand() const noexcept {
    return strand_;
  }

 private:
  struct pending;
  enum class phase { idle, connecting, ready };
  connection(boost::asio::any_io_executor ex, std::string conninfo);

  void start_connect(std::chrono::milliseconds timeout, connect_handler h);
  void enqueue(std::unique_ptr<pending> q);
  void drive();
  void drive_connect();
  bool collect();
  bool send_next();
  void deliver_notifications();
  void arm(short events);
  void assign_socket();
  void release_socket();
  void lost(errc current, const std::string& why);
  void teardown(errc current, errc queued);
  void finish_current(boost::system::error_code ec, result r);
  /// libpq's `message`, trimmed, without the conninfo's secrets.
  std::string clean(const char* message) const;

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::string conninfo_;
  std::vector<std::string> secrets_;  // conninfo_secrets(conninfo_)
  pg_conn* conn_ = nullptr;
  boost::asio::posix::stream_descriptor socket_;
  int fd_ = -1;
  std::uint64_t epoch_ = 0;  // changes whenever the descriptor does: stale waits are ignored
  phase phase_ = phase::idle;
  bool read_armed_ = false;
  bool write_armed_ = false;
  short want_ = 0;  // what PQconnectPoll waits for (POLLIN or POLLOUT)
  connect_handler connect_h_;
  boost::asio::steady_timer connect_timer_;
  std::deque<std::unique_ptr<pending>> queue_;
  std::unique_ptr<pending> current_;
  std::uint64_t query_seq_ = 0;
  bool flushing_ = false;
  bool current_failed_ = false;
  result current_result_;
  boost::asio::steady_timer query_timer_;
  std::function<void(const notification&)> on_notify_;
  std::function<void(boost::system::error_code)> on_lost_;
  std::atomic<int> pid_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace pg
}  // namespace v0
}  // namespace paystack

template <>
struct boost::system::is_error_code_enum<paystack::pg::errc> : std::true_type {};
