// Every operation with every completion token style: callback, use_future, use_awaitable,
// deferred and as_tuple. Compiling this file is half the test; running it checks each style
// delivers the same (error_code, response<T>).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client_fixture.hpp"

namespace paystack::test {
namespace {

namespace asio = boost::asio;

const char* presence_ok =
    R"({"status":true,"message":"ok","data":{"online":true,"available":true}})";
const char* terminal_ok =
    R"({"status":true,"message":"ok","data":{"id":1,"terminal_id":"T","integration":1,"domain":"test","status":"active"}})";
const char* list_ok =
    R"({"status":true,"message":"ok","data":[],"meta":{"next":null,"previous":null,"perPage":50}})";
const char* event_ok = R"({"status":true,"message":"ok","data":{"delivered":true}})";
const char* ack_ok = R"({"status":true,"message":"ok","data":{"id":"616d721e8c5cd40a0cdd54a6"}})";
const char* plain_ok = R"({"status":true,"message":"ok"})";

class Tokens : public client_fixture {
 protected:
  void script_all_eight() {
    for (auto* b :
         {plain_ok, plain_ok, event_ok, terminal_ok, presence_ok, list_ok, ack_ok, plain_ok})
      fake->push(json_reply(200, b));
  }
  int oks_ = 0;
  void count(const boost::system::error_code& ec, bool ok) {
    EXPECT_FALSE(ec) << ec.message();
    if (!ec && ok) ++oks_;
  }
  const terminal_event ev = terminal_event::process_invoice(1, "ref");
};

TEST_F(Tokens, callback) {
  script_all_eight();
  auto cb = [this](boost::system::error_code ec, const auto& r) { count(ec, r.ok()); };
  client->async_commission_terminal("SN", cb);
  client->async_decommission_terminal("SN", cb);
  client->async_fetch_event_status("T", "E", cb);
  client->async_fetch_terminal("T", cb);
  client->async_fetch_terminal_status("T", cb);
  client->async_list_terminals({}, cb);
  client->async_send_event("T", ev, cb);
  client->async_update_terminal("T", {.name = "n"}, cb);
  io.run();
  EXPECT_EQ(oks_, 8);
}

TEST_F(Tokens, use_future) {
  script_all_eight();
  // use_future: an error_code would be thrown from get(); a clear one gives the response.
  auto f1 = client->async_commission_terminal("SN", asio::use_future);
  auto f2 = client->async_decommission_terminal("SN", asio::use_future);
  auto f3 = client->async_fetch_event_status("T", "E", asio::use_future);
  auto f4 = client->async_fetch_terminal("T", asio::use_future);
  auto f5 = client->async_fetch_terminal_status("T", asio::use_future);
  auto f6 = client->async_list_terminals({}, asio::use_future);
  auto f7 = client->async_send_event("T", ev, asio::use_future);
  auto f8 = client->async_update_terminal("T", {.address = "a"}, asio::use_future);
  io.run();
  EXPECT_TRUE(f1.get().ok());
  EXPECT_TRUE(f2.get().ok());
  EXPECT_TRUE(f3.get().data->delivered);
  EXPECT_EQ(f4.get().data->terminal_id, "T");
  EXPECT_TRUE(f5.get().data->online);
  EXPECT_EQ(f6.get().meta.per_page, 50);
  EXPECT_EQ(f7.get().data->id, "616d721e8c5cd40a0cdd54a6");
  EXPECT_TRUE(f8.get().ok());
}

TEST_F(Tokens, use_future_throws_system_error_on_error_code) {
  auto f = client->async_fetch_terminal("", asio::use_future);
  io.run();
  EXPECT_THROW(f.get(), boost::system::system_error);
}

TEST_F(Tokens, use_awaitable_and_deferred_in_a_coroutine) {
  script_all_eight();
  script_all_eight();
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto& c = *client;
        // GCC 12 destroys brace-initialised temporaries inside a co_await expression twice
        // (a compiler bug): pass named objects to operations awaited in coroutines, and bind
        // every co_await's result to a local (scripts/check-co-await.sh).
        const update_terminal_params rename{.name = "n"};
        // use_awaitable
        auto r1 = co_await c.async_commission_terminal("SN", asio::use_awaitable);
        count({}, r1.ok());
        auto r2 = co_await c.async_decommission_terminal("SN", asio::use_awaitable);
        count({}, r2.ok());
        auto r3 = co_await c.async_fetch_event_status("T", "E", asio::use_awaitable);
        count({}, r3.ok());
        auto r4 = co_await c.async_fetch_terminal("T", asio::use_awaitable);
        count({}, r4.ok());
        auto r5 = co_await c.async_fetch_terminal_status("T", asio::use_awaitable);
        count({}, r5.ok());
        const list_terminals_params all{};
        auto r6 = co_await c.async_list_terminals(all, asio::use_awaitable);
        count({}, r6.ok());
        auto r7 = co_await c.async_send_event("T", ev, asio::use_awaitable);
        count({}, r7.ok());
        auto r8 = co_await c.async_update_terminal("T", rename, asio::use_awaitable);
        count({}, r8.ok());
        // the default token (deferred), awaited directly
        auto r9 = co_await c.async_commission_terminal("SN");
        count({}, r9.ok());
        auto r10 = co_await c.async_decommission_terminal("SN");
        count({}, r10.ok());
        auto r11 = co_await c.async_fetch_event_status("T", "E");
        count({}, r11.ok());
        auto r12 = co_await c.async_fetch_terminal("T");
        count({}, r12.ok());
        auto r13 = co_await c.async_fetch_terminal_status("T");
        count({}, r13.ok());
        auto r14 = co_await c.async_list_terminals(all);
        count({}, r14.ok());
        auto r15 = co_await c.async_send_event("T", ev);
        count({}, r15.ok());
        auto r16 = co_await c.async_update_terminal("T", rename);
        count({}, r16.ok());
        done = true;
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(oks_, 16);
}

TEST_F(Tokens, deferred_launched_later_with_a_callback) {
  fake->push(json_reply(200, terminal_ok));
  auto op = client->async_fetch_terminal("T", asio::deferred);
  EXPECT_EQ(fake->request_count(), 0u);  // nothing happens until launched
  std::string id;
  std::move(op)([&](boost::system::error_code, response<terminal> r) { id = r.data->terminal_id; });
  io.run();
  EXPECT_EQ(id, "T");
}

TEST_F(Tokens, as_tuple_with_awaitable_never_throws) {
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto [ec, r] =
            co_await client->async_fetch_terminal("", asio::as_tuple(asio::use_awaitable));
        EXPECT_EQ(ec, error::invalid_argument);
        EXPECT_FALSE(r.ok());
        fake->push(json_reply(200, list_ok));
        auto [ec2, page] =
            co_await client->async_list_terminals({}, asio::as_tuple(asio::deferred));
        EXPECT_FALSE(ec2);
        EXPECT_TRUE(page.ok());
        done = true;
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(done);
}

TEST_F(Tokens, payment_request_client_and_walker_with_each_style) {
  payment_request_client prc(*client);
  fake->push(json_reply(404, R"({"status":false,"message":"Payment request not found"})"));
  auto f = prc.async_verify_payment_request("PRQ_x", asio::use_future);
  io.run();
  EXPECT_EQ(f.get().status_code, 404u);

  fake->push(json_reply(200, list_ok));
  io.restart();
  auto w = client->async_for_each_terminal(
      {}, 10, [](const terminal&) { return true; }, asio::use_future);
  io.run();
  auto summary = w.get();
  EXPECT_TRUE(summary.ok());
  EXPECT_EQ(summary.data->pages, 1u);
}

}  // namespace
}  // namespace paystack::test
