// An in-process HTTP/1.1 (optionally TLS) server on 127.0.0.1:0 for integration tests. One
// thread per connection, synchronous Beast. Each request is answered as the script says:
// respond, stall until released, trickle the reply slowly, or close without answering.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace paystack::test {

struct served_request {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t connection = 0;  ///< 1-based index of the connection it came on
};

struct scripted_answer {
  enum class kind { respond, stall, trickle, close } what = kind::respond;
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = true;
  std::chrono::milliseconds trickle_gap{50};  ///< pause between bytes for kind::trickle
};

class loopback_server {
 public:
  using script = std::function<scripted_answer(const served_request&)>;

  /// Starts listening. With `tls`, serves tests/data/<certificate>.pem (and its .key).
  explicit loopback_server(script s, bool tls = false,
                           const std::string& certificate = "localhost");
  ~loopback_server();  ///< stops, closes every connection, joins every thread

  std::uint16_t port() const;
  std::string base_url(const std::string& host = "127.0.0.1") const;

  std::size_t connections() const;
  std::size_t requests() const;
  std::vector<served_request> seen() const;

  /// Blocks until at least `n` requests have arrived (bounded: false after 10 s).
  bool wait_for_requests(std::size_t n) const;
  /// Blocks until no connection is open (bounded: false after 10 s).
  bool wait_for_no_connections() const;

  /// Closes (FIN) every connection that is waiting for its next request.
  void close_idle_connections();

  /// Lets stalled answers go on (they then respond normally).
  void release_stalled();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace paystack::test
