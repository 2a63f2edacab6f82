// An io_context run by a background thread for a test's lifetime (stopped and joined at the end).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace paystack::test {

class running_context {
 public:
  running_context() : guard_(boost::asio::make_work_guard(io)), thread_([this] { io.run(); }) {}
  ~running_context() {
    guard_.reset();
    io.stop();
    thread_.join();
  }
  running_context(const running_context&) = delete;
  running_context& operator=(const running_context&) = delete;

  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace paystack::test
