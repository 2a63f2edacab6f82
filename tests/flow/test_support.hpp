// Small helpers shared by the flow tests: a blocking raw HTTP client with a receive timeout,
// an io_context thread that is always stopped, and a progress recorder to wait on.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace flow_test {

struct http_answer {
  int status = 0;
  std::string raw;
};

/// A raw client connection to 127.0.0.1:port, for requests sent in steps. Reads give up after
/// the receive timeout (10 s unless told otherwise).
class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port,
                          std::chrono::seconds timeout = std::chrono::seconds(10))
      : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  /// Sends all of `data`; false when the server closed (or reset) the connection first.
  bool send(const std::string& data) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(data), ec);
    return !ec;
  }
  /// Reads until `text` was received (true), or EOF, an error or the timeout (false). Everything
  /// read is in received().
  bool read_until(const std::string& text) {
    for (;;) {
      if (received_.find(text) != std::string::npos) return true;
      char buf[4096];
      boost::system::error_code ec;
      auto n = socket_.read_some(boost::asio::buffer(buf), ec);
      received_.append(buf, n);
      if (ec) return received_.find(text) != std::string::npos;
    }
  }
  /// Reads until the server closes (or the timeout); true when it closed.
  bool read_to_end() {
    boost::system::error_code ec;
    boost::asio::read(socket_, boost::asio::dynamic_buffer(received_), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }
  const std::string& received() const noexcept { return received_; }
  /// The status of the last response received so far (0: none).
  int status() const {
    auto p = received_.rfind("HTTP/1.");
    if (p == std::string::npos || received_.size() < p + 12) return 0;
    return std::stoi(received_.substr(p + 9, 3));
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string received_;
};

/// Sends `request` as is to 127.0.0.1:port and reads until the server closes (10 s at most).
inline http_answer raw_http(std::uint16_t port, const std::string& request) {
  raw_connection c(port);
  c.send(request);
  c.read_to_end();
  http_answer a;
  a.raw = c.received();
  if (a.raw.size() >= 12 && a.raw.compare(0, 5, "HTTP/") == 0)
    a.status = std::stoi(a.raw.substr(9, 3));
  return a;
}

/// A webhook POST with `Connection: close`.
inline std::string webhook_request(const std::string& body, const std::optional<std::string>& sig,
                                   const std::string& path = "/paystack/webhook") {
  std::string r =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  if (sig) r += "x-paystack-signature: " + *sig + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  return r;
}

/// An io_context run by one thread; stop() waits (bounded) for the work to drain.
class io_thread {
 public:
  io_thread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~io_thread() { stop(); }
  boost::asio::io_context& io() { return io_; }
  /// Lets the queued work finish (5 s at most, then forces it); true when it drained alone.
  bool stop() {
    if (!thread_.joinable()) return drained_;
    guard_.reset();
    auto done = std::async(std::launch::async, [this] { thread_.join(); });
    if (done.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      io_.stop();
      done.wait();
      drained_ = false;
    }
    return drained_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  bool drained_ = true;
};

/// Records values from any thread; wait_for returns the first one matching, or nullopt.
template <class T>
class recorder {
 public:
  void add(const T& v) {
    std::lock_guard lk(m_);
    items_.push_back(v);
    cv_.notify_all();
  }
  std::optional<T> wait_for(const std::function<bool(const T&)>& pred,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lk(m_);
    std::optional<T> found;
    cv_.wait_for(lk, timeout, [&] {
      for (const auto& v : items_)
        if (pred(v)) {
          found = v;
          return true;
        }
      return false;
    });
    return found;
  }
  std::vector<T> items() const {
    std::lock_guard lk(m_);
    return items_;
  }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

}  // namespace flow_test
