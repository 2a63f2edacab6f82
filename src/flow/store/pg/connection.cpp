// libpq on Asio: see connection.hpp for the model. Everything below runs on strand_.
#include "pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <charconv>

#include "pg/conninfo.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

class category_impl : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "paystack.pg"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::connect_failed:
        return "could not connect to PostgreSQL";
      case errc::connection_lost:
        return "the PostgreSQL connection was lost";
      case errc::not_connected:
        return "not connected to PostgreSQL";
      case errc::query_failed:
        return "PostgreSQL refused the statement";
      case errc::timed_out:
        return "PostgreSQL did not answer in time";
      case errc::closed:
        return "the PostgreSQL connection was closed";
      case errc::schema_too_new:
        return "the database was written by a newer version";
    }
    return "unknown PostgreSQL error";
  }
};

// Readiness of `fd` now (level, not edge): the events of `events` that are ready, plus
// POLLERR/POLLHUP/POLLNVAL.
short poll_now(int fd, short events) {
  pollfd p{fd, events, 0};
  const int n = ::poll(&p, 1, 0);
  return n > 0 ? p.revents : short{0};
}

constexpr short broken = POLLERR | POLLHUP | POLLNVAL;

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Completes `h` on the strand, never inline (a handler may start the next operation at once).
template <class Handler, class... Args>
void complete(const asio::strand<asio::any_io_executor>& strand, Handler h, Args... args) {
  asio::post(strand, [h = std::move(h), ... args = std::move(args)]() mutable {
    std::move(h)(std::move(args)...);
  });
}

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl c;
  return c;
}

error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

// --- result -----------------------------------------------------------------------------------

result::result(pg_result* r) : res_(r, [](pg_result* p) { PQclear(p); }) {}

result result::error(std::string message, std::string sqlstate) {
  result r;
  r.message_ = std::move(message);
  r.sqlstate_ = std::move(sqlstate);
  return r;
}

int result::rows() const noexcept {
  return res_ ? PQntuples(res_.get()) : 0;
}
int result::columns() const noexcept {
  return res_ ? PQnfields(res_.get()) : 0;
}

bool result::is_null(int row, int column) const noexcept {
  if (row < 0 || row >= rows() || column < 0 || column >= columns()) return true;
  return PQgetisnull(res_.get(), row, column) != 0;
}

std::string_view result::value(int row, int column) const noexcept {
  if (is_null(row, column)) return {};
  return {PQgetvalue(res_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(res_.get(), row, column))};
}

std::optional<std::string> result::optional(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string(value(row, column));
}

std::int64_t result::integer(int row, int column) const {
  const auto v = value(row, column);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

std::int64_t result::affected() const noexcept {
  if (!res_) return 0;
  const char* t = PQcmdTuples(res_.get());
  std::int64_t out = 0;
  std::from_chars(t, t + std::char_traits<char>::length(t), out);
  return out;
}

query_handler changed_one_row(bool_handler h) {
  return [h = std::move(h)](error_code ec, result r) mutable {
    const bool changed = !ec && r.affected() == 1;
    std::move(h)(ec, changed);
  };
}

// --- connection -------------------------------------------------------------------------------

struct connection::pending {
  std::string sql;
  params values;
  bool simple = false;
  std::chrono::milliseconds timeout{};
  query_handler handler;
};

std::shared_ptr<connection> connection::create(asio::any_io_executor ex, std::string conninfo) {
  return std::shared_ptr<connection>(new connection(std::move(ex), std::move(conninfo)));
}

connection::connection(asio::any_io_executor ex, std::string conninfo)
    : strand_(asio::make_strand(ex)),
      conninfo_(std::move(conninfo)),
      secrets_(conninfo_secrets(conninfo_)),
      socket_(strand_),
      connect_timer_(strand_),
      query_timer_(strand_) {}

connection::~connection() {
  teardown(errc::closed, errc::closed);
}

std::string connection::clean(const char* message) const {
  return redact_secrets(trimmed(message), secrets_);
}

std::string connection::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void connection::async_connect(std::chrono::milliseconds timeout, connect_handler h) {
  asio::post(strand_, [self = shared_from_this(), timeout, h = std::move(h)]() mutable {
    self->start_connect(timeout, std::move(h));
  });
}

void connection::async_query(std::string sql, params p, std::chrono::milliseconds timeout,
                             query_handler h) {
  auto q = std::make_unique<pending>(
      pending{std::move(sql), std::move(p), false, timeout, std::move(h)});
  asio::post(strand_, [self = shared_from_this(), q = std::move(q)]() mutable {
    self->enqueue(std::move(q));
  });
}

void connection::async_exec(std::string sql, std::chrono::milliseconds timeout, query_handler h) {
  auto q = std::make_unique<pending>(pending{std::move(sql), {}, true, timeout, std::move(h)});
  asio::post(strand_, [self = shared_from_this(), q = std::move(q)]() mutable {
    self->enqueue(std::move(q));
  });
}

void connection::on_notification(std::function<void(const notification&)> f) {
  asio::dispatch(strand_, [self = shared_from_this(), f = std::move(f)]() mutable {
    self->on_notify_ = std::move(f);
  });
}

void connection::on_lost(std::function<void(error_code)> f) {
  asio::dispatch(strand_, [self = shared_from_this(), f = std::move(f)]() mutable {
    self->on_lost_ = std::move(f);
  });
}

void connection::close() {
  asio::dispatch(strand_,
                 [self = shared_from_this()] { self->teardown(errc::closed, errc::closed); });
}

void connection::start_connect(std::chrono::milliseconds timeout, connect_handler h) {
  teardown(errc::closed, errc::closed);
  conn_ = PQconnectStart(conninfo_.c_str());
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    {
      std::lock_guard lock(error_mutex_);
      last_error_ = conn_ ? clean(PQerrorMessage(conn_)) : "out of memory";
    }
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    complete(strand_, std::move(h), make_error_code(errc::connect_failed));
    return;
  }
  // The server's NOTICEs ("relation ... already exists, skipping") are not errors: libpq would
  // print them on stderr, which is the caller's (a CLI's output).
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  phase_ = phase::connecting;
  want_ = POLLOUT;  // "as if PQconnectPoll had returned PGRES_POLLING_WRITING"
  connect_h_.swap(
      h);  // not operator=: Boost 1.81's move assignment of any_completion_handler recurses
  connect_timer_.expires_after(timeout);
  connect_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (!self || ec || self->phase_ != phase::connecting) return;
    {
      std::lock_guard lock(self->error_mutex_);
      self->last_error_ = "connect timed out";
    }
    auto h2 = std::move(self->connect_h_);
    self->teardown(errc::not_connected, errc::not_connected);
    complete(self->strand_, std::move(h2), make_error_code(errc::timed_out));
  });
  drive_connect();
}

void connection::assign_socket() {
  release_socket();
  const int fd = PQsocket(conn_);
  if (fd < 0) return;
  error_code ignored;
  socket_.assign(fd, ignored);
  if (!ignored) fd_ = fd;
}

void connection::release_socket() {
  ++epoch_;
  read_armed_ = false;
  write_armed_ = false;
  if (fd_ >= 0) {
    // The descriptor is libpq's: release (pending waits end with operation_aborted), never close.
    socket_.release();
    fd_ = -1;
  }
}

void connection::drive_connect() {
  // libpq may switch sockets while connecting (another address, SSL refused): the descriptor is
  // re-assigned on every step, and a step is taken only when poll(2) says the socket is ready.
  for (int step = 0; step < 64 && phase_ == phase::connecting; ++step) {
    assign_socket();
    if (fd_ < 0 || (poll_now(fd_, want_) & (want_ | broken)) == 0) break;
    switch (PQconnectPoll(conn_)) {
      case PGRES_POLLING_OK: {
        PQsetnonblocking(conn_, 1);
        phase_ = phase::ready;
        pid_.store(PQbackendPID(conn_));
        connect_timer_.cancel();
        complete(strand_, std::move(connect_h_), error_code{});
        connect_h_ = nullptr;
        drive();
        return;
      }
      case PGRES_POLLING_FAILED: {
        {
          std::lock_guard lock(error_mutex_);
          last_error_ = clean(PQerrorMessage(conn_));
        }
        auto h = std::move(connect_h_);
        connect_h_ = nullptr;
        teardown(errc::not_connected, errc::not_connected);
        complete(strand_, std::move(h), make_error_code(errc::connect_failed));
        return;
      }
      case PGRES_POLLING_READING:
        want_ = POLLIN;
        break;
      default:
        want_ = POLLOUT;
        break;
    }
  }
  if (phase_ == phase::connecting && fd_ >= 0) arm(want_);
}

void connection::enqueue(std::unique_ptr<pending> q) {
  if (phase_ == phase::idle) {
    complete(strand_, std::move(q->handler), make_error_code(errc::not_connected),
             result::error("not connected"));
    return;
  }
  queue_.push_back(std::move(q));
  if (phase_ == phase::ready) drive();
}

void connection::drive() {
  if (phase_ == phase::connecting) return drive_connect();
  // Bounded: every turn sends a queued query or stops.
  for (std::size_t turn = 0; phase_ == phase::ready && turn <= queue_.size() + 1; ++turn) {
    const short ready = poll_now(fd_, static_cast<short>(POLLIN | (flushing_ ? POLLOUT : 0)));
    if ((ready & (POLLIN | broken)) != 0) {
      if (PQconsumeInput(conn_) == 0) return lost(errc::connection_lost, "reading");
      deliver_notifications();
    }
    if (flushing_) {
      const int f = PQflush(conn_);
      if (f < 0) return lost(errc::connection_lost, "sending");
      flushing_ = f == 1;
    }
    if (current_ && !flushing_ && !collect()) return;
    deliver_notifications();  // parsed while collecting results
    if (current_ || queue_.empty()) break;
    if (!send_next()) return;
  }
  if (phase_ == phase::ready) {
    if (PQstatus(conn_) == CONNECTION_BAD) return lost(errc::connection_lost, "status");
    arm(static_cast<short>(POLLIN | (flushing_ ? POLLOUT : 0)));
  }
}

bool connection::send_next() {
  current_ = std::move(queue_.front());
  queue_.pop_front();
  current_failed_ = false;
  current_result_ = result{};
  int sent = 0;
  if (current_->simple) {
    sent = PQsendQuery(conn_, current_->sql.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(current_->values.size());
    for (const auto& v : current_->values) values.push_back(v ? v->c_str() : nullptr);
    sent = PQsendQueryParams(conn_, current_->sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  }
  if (sent == 0) {
    if (PQstatus(conn_) == CONNECTION_BAD) {
      lost(errc::connection_lost, "sending");
      return false;
    }
    finish_current(make_error_code(errc::query_failed),
                   result::error(clean(PQerrorMessage(conn_))));
    return true;
  }
  flushing_ = true;
  const auto seq = ++query_seq_;
  query_timer_.expires_after(current_->timeout);
  query_timer_.async_wait([weak = weak_from_this(), seq](error_code ec) {
    auto self = weak.lock();
    if (!self || ec || !self->current_ || self->query_seq_ != seq) return;
    self->lost(errc::timed_out, "query timed out");
  });
  return true;
}

bool connection::collect() {
  while (PQisBusy(conn_) == 0) {
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      if (current_failed_ && PQstatus(conn_) == CONNECTION_BAD) {
        lost(errc::connection_lost, current_result_.message());
        return false;
      }
      auto ec = current_failed_ ? make_error_code(errc::query_failed) : error_code{};
      finish_current(ec, std::move(current_result_));
      return true;
    }
    const auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      if (!current_failed_)
        current_result_ = result(r);
      else
        PQclear(r);
      continue;
    }
    if (!current_failed_) {
      current_failed_ = true;
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      current_result_ = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR
                            ? result::error(clean(PQresultErrorMessage(r)), state ? state : "")
                            : result::error("unsupported result (COPY or pipeline)");
    }
    PQclear(r);
  }
  return true;
}

void connection::finish_current(error_code ec, result r) {
  query_timer_.cancel();
  auto q = std::move(current_);
  current_failed_ = false;
  current_result_ = result{};
  complete(strand_, std::move(q->handler), ec, std::move(r));
}

void connection::deliver_notifications() {
  while (PGnotify* n = PQnotifies(conn_)) {
    notification x{n->relname ? n->relname : "", n->extra ? n->extra : "", n->be_pid};
    PQfreemem(n);
    if (on_notify_) asio::post(strand_, [f = on_notify_, x = std::move(x)] { f(x); });
  }
}

void connection::arm(short events) {
  const auto epoch = epoch_;
  auto on_ready = [weak = weak_from_this(), epoch](bool write) {
    return [weak, epoch, write](error_code ec) {
      auto self = weak.lock();
      if (!self || self->epoch_ != epoch) return;
      (write ? self->write_armed_ : self->read_armed_) = false;
      if (!ec) self->drive();
    };
  };
  if ((events & POLLIN) != 0 && !read_armed_) {
    read_armed_ = true;
    socket_.async_wait(asio::posix::stream_descriptor::wait_read, on_ready(false));
  }
  if ((events & POLLOUT) != 0 && !write_armed_) {
    write_armed_ = true;
    socket_.async_wait(asio::posix::stream_descriptor::wait_write, on_ready(true));
  }
  // Asio's reactor is edge-triggered and a wait takes no past edge into account: readiness
  // that came between the last read and this wait is found here and handled now.
  if ((poll_now(fd_, events) & (events | broken)) != 0) {
    asio::post(strand_, [weak = weak_from_this(), epoch] {
      auto self = weak.lock();
      if (self && self->epoch_ == epoch) self->drive();
    });
  }
}

void connection::lost(errc current, const std::string& why) {
  {
    std::lock_guard lock(error_mutex_);
    last_error_ = conn_ ? clean(PQerrorMessage(conn_)) : std::string();
    if (last_error_.empty()) last_error_ = why;
  }
  teardown(current, errc::connection_lost);
  if (on_lost_) {
    asio::post(strand_, [f = on_lost_, ec = make_error_code(current)] { f(ec); });
  }
}

void connection::teardown(errc current, errc queued) {
  release_socket();
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  phase_ = phase::idle;
  pid_.store(0);
  flushing_ = false;
  connect_timer_.cancel();
  query_timer_.cancel();
  if (connect_h_) {
    auto h = std::move(connect_h_);
    connect_h_ = nullptr;
    complete(strand_, std::move(h), make_error_code(errc::closed));
  }
  const std::string why = last_error();
  if (current_) finish_current(make_error_code(current), result::error(why));
  while (!queue_.empty()) {
    auto q = std::move(queue_.front());
    queue_.pop_front();
    complete(strand_, std::move(q->handler), make_error_code(queued), result::error(why));
  }
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
