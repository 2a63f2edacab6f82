// A time_source the test drives: sleeps wait until the test advances the clock to them (or their
// cancellation slot fires), so a flow's deadlines and poll intervals pass in simulated time, in
// the order the test chooses, without real waiting. The clock is real steady time plus the time
// skipped, so it also works with the built-in transport (its deadlines only get later).
#pragma once

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <paystack/client_options.hpp>

namespace paystack::test {

class manual_time : public time_source {
 public:
  std::chrono::steady_clock::time_point now() override {
    std::lock_guard lock(mutex_);
    return std::chrono::steady_clock::now() + skipped_;
  }

  void async_sleep(boost::asio::any_io_executor ex, std::chrono::milliseconds d,
                   sleep_handler handler) override {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = ++next_id_;
      pending_.emplace(id, sleeper{skipped_ + d, std::move(ex), std::move(handler)});
    }
    if (slot.is_connected()) {
      slot.assign([this, id](boost::asio::cancellation_type) {
        finish(id, boost::asio::error::operation_aborted);
      });
    }
    cv_.notify_all();
  }

  /// Blocks until some sleep is pending (false after `timeout`).
  bool wait_for_sleep(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return !pending_.empty(); });
  }

  /// Moves the clock to the earliest pending sleep's end and completes it. False: none pending.
  bool advance() {
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) return false;
      auto first = pending_.begin();
      for (auto it = pending_.begin(); it != pending_.end(); ++it)
        if (it->second.until < first->second.until) first = it;
      id = first->first;
      skipped_ = std::max(skipped_, first->second.until);
    }
    finish(id, {});
    return true;
  }

  /// Time skipped so far.
  std::chrono::milliseconds skipped() const {
    std::lock_guard lock(mutex_);
    return skipped_;
  }

 private:
  struct sleeper {
    std::chrono::milliseconds until;  ///< on the skipped-time scale
    boost::asio::any_io_executor executor;
    sleep_handler handler;
  };

  void finish(std::uint64_t id, boost::system::error_code ec) {
    // Extracted, not move-assigned: Boost 1.81's any_completion_handler move assignment
    // recurses without end.
    decltype(pending_)::node_type node;
    {
      std::lock_guard lock(mutex_);
      auto it = pending_.find(id);
      if (it == pending_.end()) return;  // already completed or cancelled
      node = pending_.extract(it);
    }
    auto& s = node.mapped();
    boost::asio::post(s.executor, boost::asio::append(std::move(s.handler), ec));
  }

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::chrono::milliseconds skipped_{0};
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, sleeper> pending_;
};

}  // namespace paystack::test
