// A terminal_client wired to a fake_transport, and a helper that runs an operation to the end.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <paystack/paystack.hpp>

#include "fake_transport.hpp"

namespace paystack::test {

inline constexpr const char* test_key = "sk_test_0123456789abcdef0123456789abcdef";

class client_fixture : public ::testing::Test {
 protected:
  client_fixture() {
    fake = std::make_shared<fake_transport>(io.get_executor());
    client.emplace(io.get_executor(), options());
  }

  client_options options() {
    client_options o;
    o.secret_key = test_key;
    o.base_url = "https://api.paystack.co";
    o.transport = fake;
    o.retry.initial_backoff = std::chrono::milliseconds(1);
    o.retry.max_backoff = std::chrono::milliseconds(2);
    return o;
  }

  /// Launches a deferred operation (made with `token`), runs the io_context until it is done
  /// and returns (error_code, response<T>). (Boost 1.81 cannot combine as_tuple and
  /// use_future directly, hence as_tuple(deferred) launched with use_future.)
  template <class Deferred>
  auto finish(Deferred&& op) {
    auto f = std::forward<Deferred>(op)(boost::asio::use_future);
    io.restart();
    io.run();
    return f.get();
  }

  static constexpr auto token = boost::asio::as_tuple(boost::asio::deferred);

  boost::asio::io_context io;
  std::shared_ptr<fake_transport> fake;
  std::optional<terminal_client> client;
};

}  // namespace paystack::test
