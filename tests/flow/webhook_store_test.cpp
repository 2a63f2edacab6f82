// webhook_server with a charge store: a verified event is recorded under its semantic key before
// the 200, and a replay (the same fact, also to a restarted receiver on the same store file) is
// acknowledged but not handed over again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>
#include <paystack/webhook_server.hpp>

#include "test_support.hpp"

using namespace paystack;

namespace {

constexpr const char* secret = "sk_test_webhook_store_41c9";

const std::string body_a =
    R"({"event":"paymentrequest.success","data":{"id":3136406,"request_code":"PRQ_y0paeo93jh99mho","status":"success","paid":true,"amount":10000,"currency":"NGN"}})";
// The same fact with another body (members reordered): the semantic key is the same.
const std::string body_b =
    R"({"event":"paymentrequest.success","data":{"request_code":"PRQ_y0paeo93jh99mho","id":3136406,"paid":true,"status":"success","amount":10000,"currency":"NGN"}})";

int post(const webhook_server& s, const std::string& body) {
  return flow_test::raw_http(s.port(), flow_test::webhook_request(
                                           body, sign_webhook_payload(body, secret), "/hooks"))
      .status;
}

}  // namespace

TEST(WebhookStore, a_replay_to_a_restarted_receiver_is_not_handed_over_again) {
  const auto db = (std::filesystem::temp_directory_path() /
                   ("paystack-webhook-store-" + std::to_string(::getpid()) + ".db"))
                      .string();
  auto remove = [&] {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db + s);
  };
  remove();
  std::atomic<int> handed{0};
  auto receiver = [&](flow_test::io_thread& io) {
    boost::system::error_code ec;
    std::string why;
    webhook_server_options o;
    o.secret_key = secret;
    o.path = "/hooks";
    o.store = open_charge_store(io.io().get_executor(), db, ec, why);
    EXPECT_TRUE(o.store) << why;
    o.on_event = [&](const webhook_event&) { ++handed; };
    return std::make_unique<webhook_server>(io.io().get_executor(), o);
  };
  {
    flow_test::io_thread io;
    auto s = receiver(io);
    s->start();
    EXPECT_EQ(post(*s, body_a), 200);
    EXPECT_EQ(post(*s, body_a), 200);
    EXPECT_EQ(s->stats().accepted, 1u);
    EXPECT_EQ(s->stats().duplicates, 1u);
    s->stop();
    s.reset();
    EXPECT_TRUE(io.stop());
  }
  {
    flow_test::io_thread io;
    auto s = receiver(io);  // "restarted": a new receiver on the same file
    s->start();
    EXPECT_EQ(post(*s, body_b), 200);
    EXPECT_EQ(s->stats().accepted, 0u);
    EXPECT_EQ(s->stats().duplicates, 1u);
    s->stop();
    s.reset();
    EXPECT_TRUE(io.stop());
  }
  EXPECT_EQ(handed.load(), 1) << "handed over once across both receivers";
  remove();
}
