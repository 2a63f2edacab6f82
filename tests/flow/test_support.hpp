// Small helpers shared by the flow tests: the raw HTTP client (tests/support/raw_http.hpp),
// an io_context thread that is always stopped, and a progress recorder to wait on.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "raw_http.hpp"

namespace flow_test {

// The raw HTTP client is the tests' one (tests/support/raw_http.hpp).
using paystack::test::http_answer;
using paystack::test::raw_connection;
using paystack::test::raw_http;
using paystack::test::webhook_request;

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
