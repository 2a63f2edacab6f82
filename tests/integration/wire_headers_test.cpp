// The headers on the wire, as a loopback server reads them from the built-in transport: the
// logical headers (Authorization, User-Agent, Accept) come from client_core::make_request, the one
// place that adds them, and reach the server exactly once each, after Host.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cctype>
#include <future>
#include <paystack/paystack.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopback_server.hpp"
#include "running_context.hpp"

namespace paystack::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

scripted_answer ok_empty(const served_request&) {
  scripted_answer a;
  a.body =
      R"({"status":true,"message":"ok","data":{"id":30,"serial_number":"S1","terminal_id":"T1","integration":1,"domain":"test","name":"n","status":"active"}})";
  return a;
}

template <class Deferred>
auto wait(Deferred&& op) {
  auto f = std::forward<Deferred>(op)(asio::use_future);
  if (f.wait_for(20s) != std::future_status::ready) throw std::runtime_error("operation hung");
  return f.get();
}

/// The values of header `name` (case-insensitive), in wire order.
std::vector<std::string> values(const served_request& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(k[i])) ==
                         std::tolower(static_cast<unsigned char>(name[i]));
    if (same) out.push_back(v);
  }
  return out;
}

void expect_logical_headers(const served_request& r) {
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.front().first, "Host");
  EXPECT_EQ(values(r, "Authorization"), std::vector<std::string>{"Bearer sk_test_wire"});
  EXPECT_EQ(values(r, "Accept"), std::vector<std::string>{"application/json"});
  const auto ua = values(r, "User-Agent");
  ASSERT_EQ(ua.size(), 1u);
  EXPECT_EQ(ua[0].rfind("paystack-cpp/", 0), 0u) << ua[0];
  EXPECT_NE(ua[0].find("wire-test/1"), std::string::npos) << ua[0];
}

TEST(WireHeaders, builtin_transport_sends_the_logical_headers_once) {
  loopback_server server(ok_empty);
  running_context ctx;
  client_options o;
  o.secret_key = "sk_test_wire";
  o.base_url = server.base_url();
  o.user_agent_suffix = "wire-test/1";
  terminal_client client(ctx.io.get_executor(), o);

  auto [ec1, r1] = wait(client.async_fetch_terminal("T1", asio::as_tuple(asio::deferred)));
  ASSERT_FALSE(ec1) << r1.error_detail;
  auto [ec2, r2] = wait(client.async_commission_terminal("S1", asio::as_tuple(asio::deferred)));
  ASSERT_FALSE(ec2) << r2.error_detail;

  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "GET");
  expect_logical_headers(seen[0]);
  EXPECT_TRUE(values(seen[0], "Content-Type").empty());
  EXPECT_EQ(seen[1].method, "POST");
  expect_logical_headers(seen[1]);
  EXPECT_EQ(values(seen[1], "Content-Type"), std::vector<std::string>{"application/json"});
}

}  // namespace
}  // namespace paystack::test
