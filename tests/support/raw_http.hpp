// The one raw HTTP client of the tests: a blocking loopback connection that sends bytes exactly
// as given and reads what comes back, with a deadline. Used to talk to our servers (webhook
// receiver, simulator) the way a hostile or broken client would.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paystack::test {

/// How a raw exchange ended.
struct raw_result {
  std::string data;
  bool reset = false;      ///< connection reset by the peer
  bool eof = false;        ///< orderly close by the peer
  bool timed_out = false;  ///< the deadline passed with the connection still open
  std::chrono::milliseconds elapsed{0};
  std::vector<std::chrono::milliseconds> arrivals;  ///< when each read that returned data did
};

/// A client connection to 127.0.0.1:port, for requests sent in steps. Every read gives up at
/// the deadline (`timeout` from the connection's start).
class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : socket_(io_), start_(std::chrono::steady_clock::now()), deadline_(start_ + timeout) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  /// Sends all of `data`; false when the server closed (or reset) the connection first.
  bool send(std::string_view data) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(data.data(), data.size()), ec);
    return !ec;
  }
  /// Reads until `text` was received (true), or EOF, an error or the deadline (false).
  bool read_until(const std::string& text) {
    while (received_.find(text) == std::string::npos) {
      if (!read_once()) return received_.find(text) != std::string::npos;
    }
    return true;
  }
  /// Reads until the server closes, resets, or the deadline passes; true when it closed.
  bool read_to_end() {
    while (read_once()) {
    }
    return end_ == boost::asio::error::eof || end_ == boost::asio::error::connection_reset;
  }
  /// What was received so far, and how the connection ended.
  raw_result result() const {
    raw_result r;
    r.data = received_;
    r.reset = end_ == boost::asio::error::connection_reset;
    r.eof = end_ == boost::asio::error::eof;
    r.timed_out = !r.reset && !r.eof && std::chrono::steady_clock::now() >= deadline_;
    r.elapsed = since_start();
    r.arrivals = arrivals_;
    return r;
  }
  const std::string& received() const noexcept { return received_; }
  /// The status of the last response received so far (0: none).
  int status() const {
    auto p = received_.rfind("HTTP/1.");
    if (p == std::string::npos || received_.size() < p + 12) return 0;
    return std::stoi(received_.substr(p + 9, 3));
  }

 private:
  std::chrono::milliseconds since_start() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_);
  }
  /// One read bounded by the deadline; false when the connection ended or the deadline passed.
  bool read_once() {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    timeval tv{static_cast<time_t>(left.count() / 1'000'000),
               static_cast<suseconds_t>(std::max<std::int64_t>(left.count() % 1'000'000, 1))};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    boost::system::error_code ec;
    const auto n = socket_.read_some(boost::asio::buffer(buf), ec);
    if (n > 0) {
      received_.append(buf, n);
      arrivals_.push_back(since_start());
    }
    if (ec) {
      end_ = ec;
      return false;
    }
    return true;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::chrono::steady_clock::time_point start_, deadline_;
  std::string received_;
  std::vector<std::chrono::milliseconds> arrivals_;
  boost::system::error_code end_;
};

/// Connects, writes `bytes`, reads until the connection ends or `timeout` passes.
inline raw_result raw_exchange(std::uint16_t port, std::string_view bytes,
                               std::chrono::milliseconds timeout) {
  raw_connection c(port, timeout);
  c.send(bytes);
  c.read_to_end();
  return c.result();
}

struct http_answer {
  int status = 0;
  std::string raw;
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

}  // namespace paystack::test
