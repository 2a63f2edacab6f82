// A time_source for tests: sleeps complete at once (posted) and move the clock forward, so that
// backoff and Retry-After waits take no real time and can be asserted exactly. The clock is real
// steady time plus the time skipped, so it also works with the built-in transport.
#pragma once

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <paystack/client_options.hpp>
#include <vector>

namespace paystack::test {

class fake_time : public time_source {
 public:
  std::chrono::steady_clock::time_point now() override {
    std::lock_guard lock(mutex_);
    return std::chrono::steady_clock::now() + skipped_;
  }
  void async_sleep(boost::asio::any_io_executor ex, std::chrono::milliseconds d,
                   sleep_handler handler) override {
    {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(d);
      skipped_ += d;
    }
    boost::asio::post(ex, boost::asio::append(std::move(handler), boost::system::error_code{}));
  }
  /// Every sleep asked for, in order.
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::milliseconds skipped_{0};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace paystack::test
