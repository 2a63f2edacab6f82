// The eight Terminal operations against paystack-sim over loopback, in every token style, and
// the walker across many pages.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <paystack/paystack.hpp>
#include <paystack/sim/server.hpp>

namespace paystack::test {
namespace {

namespace asio = boost::asio;
constexpr const char* key = "sk_test_simulator_client_tests";

class AgainstSimulator : public ::testing::Test {
 protected:
  AgainstSimulator() {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay.reset();  // the test delivers events itself
    so.auto_pay_delay.reset();
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    client_options o;
    o.secret_key = key;
    o.base_url = sim_->base_url();
    client_.emplace(io_.get_executor(), o);
  }

  template <class Deferred>
  auto run(Deferred&& op) {
    auto f = std::forward<Deferred>(op)(asio::use_future);
    io_.restart();
    io_.run();
    return f.get();
  }

  static constexpr auto token = asio::as_tuple(asio::deferred);
  std::unique_ptr<sim::server> sim_;
  asio::io_context io_;
  std::optional<terminal_client> client_;
};

TEST_F(AgainstSimulator, the_whole_terminal_story) {
  auto& c = *client_;
  // list shows the seeded terminals
  auto [e1, list] = run(c.async_list_terminals({}, token));
  ASSERT_FALSE(e1) << list.error_detail;
  ASSERT_TRUE(list.ok()) << list.raw_body;
  const auto seeded = list.data->size();
  EXPECT_GE(seeded, 1u);

  // commission a waiting device; commissioning it again is 200 + status:false
  const auto serials = sim_->device_serials();
  ASSERT_FALSE(serials.empty());
  auto [e2, com] = run(c.async_commission_terminal(serials[0], token));
  ASSERT_FALSE(e2);
  EXPECT_TRUE(com.ok()) << com.raw_body;
  auto [e3, again] = run(c.async_commission_terminal(serials[0], token));
  EXPECT_FALSE(e3);
  EXPECT_EQ(again.status_code, 200u);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(again.message, "Device has been commissioned already");

  auto [e4, list2] = run(c.async_list_terminals({}, token));
  ASSERT_TRUE(list2.ok());
  EXPECT_EQ(list2.data->size(), seeded + 1);
  std::string tid;
  for (const auto& t : *list2.data)
    if (t.serial_number == serials[0]) tid = t.terminal_id;
  ASSERT_EQ(tid.size(), 8u);

  // update then fetch: the name and address persist
  update_terminal_params up;
  up.name = "Till 4";
  up.address = "12 Marina, Lagos";
  auto [e5, upd] = run(c.async_update_terminal(tid, up, token));
  EXPECT_TRUE(upd.ok()) << upd.raw_body;
  EXPECT_EQ(upd.message, "Terminal Details updated");
  auto [e6, fetched] = run(c.async_fetch_terminal(tid, token));
  ASSERT_TRUE(fetched.ok()) << fetched.raw_body;
  EXPECT_EQ(fetched.data->name, "Till 4");
  EXPECT_EQ(fetched.data->address, "12 Marina, Lagos");

  // presence
  auto [e7, presence] = run(c.async_fetch_terminal_status(tid, token));
  ASSERT_TRUE(presence.ok()) << presence.raw_body;
  EXPECT_TRUE(presence.data->online);

  // push an invoice for a real payment request; delivered only once the device picks it up
  payment_request_client prc(c);
  create_payment_request_params pr;
  pr.customer = "CUS_simulator";
  pr.amount = 5000;
  pr.description = "two coffees";
  auto [e8, created] = run(prc.async_create_payment_request(pr, token));
  ASSERT_TRUE(created.ok()) << created.raw_body;
  ASSERT_TRUE(created.data->offline_reference);
  auto [e9, ack] = run(c.async_send_event(
      tid, terminal_event::process_invoice(created.data->id, *created.data->offline_reference),
      token));
  ASSERT_TRUE(ack.ok()) << ack.raw_body;
  EXPECT_EQ(ack.data->id.size(), 24u);
  auto [e10, before] = run(c.async_fetch_event_status(tid, ack.data->id, token));
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before.data->delivered);
  ASSERT_EQ(sim_->deliver_event(ack.data->id), sim::control_result::ok);
  auto [e11, after] = run(c.async_fetch_event_status(tid, ack.data->id, token));
  EXPECT_TRUE(after.data->delivered);

  // unknown event id: the documented INVALID_PUSH_ID error
  auto [e12, unknown] = run(c.async_fetch_event_status(tid, "000000000000000000000000", token));
  EXPECT_FALSE(e12);
  EXPECT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.code, "INVALID_PUSH_ID");

  // decommission: gone from the list
  auto [e13, dec] = run(c.async_decommission_terminal(serials[0], token));
  EXPECT_TRUE(dec.ok()) << dec.raw_body;
  auto [e14, list3] = run(c.async_list_terminals({}, token));
  EXPECT_EQ(list3.data->size(), seeded);

  // not found and unauthorised are data
  auto [e15, missing] = run(c.async_fetch_terminal("NOPE0000", token));
  EXPECT_FALSE(e15);
  EXPECT_EQ(missing.status_code, 404u);
  client_options bad;
  bad.secret_key = "sk_test_wrong";
  bad.base_url = sim_->base_url();
  terminal_client wrong(io_.get_executor(), bad);
  auto [e16, denied] = run(wrong.async_list_terminals({}, token));
  EXPECT_FALSE(e16);
  EXPECT_EQ(denied.status_code, 401u);
  EXPECT_FALSE(denied.ok());
}

TEST_F(AgainstSimulator, every_token_style_reaches_the_simulator) {
  auto& c = *client_;
  const auto tid = sim_->terminal_ids().at(0);
  // callback
  int callbacks = 0;
  c.async_fetch_terminal(tid, [&](boost::system::error_code ec, response<terminal> r) {
    EXPECT_FALSE(ec);
    callbacks += r.ok();
  });
  io_.run();
  EXPECT_EQ(callbacks, 1);
  // use_future
  auto f = c.async_fetch_terminal_status(tid, asio::use_future);
  io_.restart();
  io_.run();
  EXPECT_TRUE(f.get().ok());
  // use_awaitable, deferred (default) and as_tuple in a coroutine
  int awaited = 0;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto fetched = co_await c.async_fetch_terminal(tid, asio::use_awaitable);
        awaited += fetched.ok();
        const list_terminals_params all{};
        auto listed = co_await c.async_list_terminals(all);
        awaited += listed.ok();
        auto [ec, r] = co_await c.async_fetch_event_status(tid, "000000000000000000000000",
                                                           asio::as_tuple(asio::use_awaitable));
        awaited += !ec && r.code == "INVALID_PUSH_ID";
      },
      asio::detached);
  io_.restart();
  io_.run();
  EXPECT_EQ(awaited, 3);
}

TEST_F(AgainstSimulator, walker_visits_every_terminal_across_pages) {
  for (int i = 0; i < 23; ++i) sim_->add_terminal("bulk " + std::to_string(i));
  const auto expected = sim_->terminal_ids();
  std::vector<std::string> seen;
  auto [ec, r] = run(client_->async_for_each_terminal(
      {.per_page = 5}, 1000,
      [&](const terminal& t) {
        seen.push_back(t.terminal_id);
        return true;
      },
      token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(r.data->pages, (expected.size() + 4) / 5);
}

}  // namespace
}  // namespace paystack::test
