// The webhook_server fixture shared by webhook_test.cpp and webhook_limits_test.cpp: a server on
// 127.0.0.1 port 0 with a test key, recording what it hands over.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <paystack/webhook.hpp>
#include <paystack/webhook_server.hpp>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace webhook_test {

inline constexpr const char* key = "sk_test_4b1a9cfe0d2e7f35a8c61b70";

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A file under the samples' guides/ directory.
inline std::string sample(const char* rel) {
  return read_file(std::filesystem::path(PAYSTACK_SAMPLES_DIR) / "guides" / rel);
}

}  // namespace webhook_test

class WebhookServer : public ::testing::Test {
 protected:
  void start(paystack::webhook_server_options o = {}) {
    o.secret_key = webhook_test::key;
    if (o.path.empty()) o.path = "/paystack/webhook";
    o.on_event = [this](const paystack::webhook_event& e) { events_.add(e.event); };
    server_ = std::make_unique<paystack::webhook_server>(io_.io().get_executor(), std::move(o));
    server_->start();
    sub_ =
        server_->feed()->subscribe([this](const paystack::webhook_event& e) { fed_.add(e.event); });
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    sub_.reset();
    if (server_) server_->stop();
    EXPECT_TRUE(io_.stop()) << "the server left work running after stop()";
  }
  flow_test::http_answer post(const std::string& body, const std::optional<std::string>& sig) {
    return flow_test::raw_http(server_->port(), flow_test::webhook_request(body, sig));
  }

  flow_test::io_thread io_;
  std::unique_ptr<paystack::webhook_server> server_;
  paystack::webhook_feed::subscription sub_;
  flow_test::recorder<std::string> events_;
  flow_test::recorder<std::string> fed_;
};
