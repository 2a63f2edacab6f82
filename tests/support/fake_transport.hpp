// A transport for unit tests: records every request and answers from a script, without
// sockets. Completion is posted to the handler's executor, as a real transport would do.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <mutex>
#include <paystack/transport.hpp>
#include <string>
#include <vector>

namespace paystack::test {

struct scripted_reply {
  boost::system::error_code ec;
  http_reply reply;
};

inline scripted_reply json_reply(unsigned status, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  scripted_reply r;
  r.reply.status_code = status;
  r.reply.body = std::move(body);
  r.reply.headers = std::move(headers);
  r.reply.headers.emplace_back("Content-Type", "application/json");
  r.reply.request_sent = true;
  r.reply.reply_started = true;
  return r;
}

inline scripted_reply failure(boost::system::error_code ec, bool sent, bool started = false) {
  scripted_reply r;
  r.ec = ec;
  r.reply.request_sent = sent;
  r.reply.reply_started = started;
  r.reply.error_detail = "scripted failure";
  return r;
}

class fake_transport : public transport {
 public:
  explicit fake_transport(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  void push(scripted_reply r) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(r));
  }

  std::vector<http_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  void async_send(const http_request& request, clock::time_point, handler_type handler) override {
    scripted_reply r;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (script_.empty()) {
        r = json_reply(500, R"({"status":false,"message":"fake transport: no scripted reply"})");
      } else {
        r = std::move(script_.front());
        script_.pop_front();
      }
    }
    boost::asio::post(ex_, boost::asio::append(std::move(handler), r.ec, std::move(r.reply)));
  }

 private:
  boost::asio::any_io_executor ex_;
  mutable std::mutex mutex_;
  std::deque<scripted_reply> script_;
  std::vector<http_request> requests_;
};

}  // namespace paystack::test
