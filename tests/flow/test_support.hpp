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

/// Sends `request` as is to 127.0.0.1:port and reads until the server closes (10 s at most).
inline http_answer raw_http(std::uint16_t port, const std::string& request) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{10, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  asio::write(s, asio::buffer(request), ec);
  std::string out;
  asio::read(s, asio::dynamic_buffer(out), ec);  // until EOF (or the timeout)
  http_answer a;
  a.raw = out;
  if (out.size() >= 12 && out.compare(0, 5, "HTTP/") == 0) a.status = std::stoi(out.substr(9, 3));
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
