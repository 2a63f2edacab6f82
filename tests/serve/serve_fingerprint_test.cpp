// The request fingerprint (issue 24): the same key with another description, wait_for_terminal
// or keep_open is 409 key_reused, as another amount is, on the same instance, after a restart
// and on another instance (the fingerprint is stored with the record); the same request is
// still 200. A record begun without a fingerprint (before SQLite schema 4 / PostgreSQL 5, or
// by another program such as `paystack-terminal charge --key`) is compared by its columns alone.
#include "serve_fixture.hpp"

using namespace serve_test;

namespace {

class ServeFingerprint : public ServeManualPay {
 protected:
  /// The body of `key` with a description and the given extra fields.
  std::string body(const std::string& key, const std::string& extra = {}) const {
    return charge_body(key, terminal(), 5000, R"(,"description":"Table 4")" + extra);
  }

  /// Every changed request under `key` is 409 key_reused on `port`; the same one is 200.
  void expect_changes_refused(std::uint16_t port, const std::string& key) {
    for (const std::string& changed :
         {charge_body(key, terminal(), 5000, R"(,"description":"Table 5")"),
          charge_body(key, terminal(), 5000),  // no description
          body(key, R"(,"wait_for_terminal":true)"), body(key, R"(,"keep_open":true)"),
          body(key, R"(,"currency":"NGN")")}) {
      SCOPED_TRACE(changed);
      auto r = http_call(port, "POST", "/v1/charges", changed);
      EXPECT_EQ(r.status, 409) << r.body;
      EXPECT_EQ(r.error_code(), "key_reused");
      EXPECT_EQ(r.error_field(), "key");
    }
    auto same = http_call(port, "POST", "/v1/charges", body(key));
    EXPECT_EQ(same.status, 200) << same.body;
  }
};

}  // namespace

TEST_F(ServeFingerprint, another_description_wait_or_keep_open_under_the_key_is_409) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", body("fp-1")).status, 202);
  expect_changes_refused(s.port(), "fp-1");
  EXPECT_EQ(s.stats().started, 1u);
}

TEST_F(ServeFingerprint, another_request_under_the_key_is_409_after_a_restart) {
  {
    auto& s = start_service();
    ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", body("fp-2")).status, 202);
    services_.clear();
  }
  store_ = open_store();  // a new process's store over the same file
  auto& s2 = start_service();
  expect_changes_refused(s2.port(), "fp-2");
  EXPECT_EQ(s2.stats().started, 0u);
}

TEST_F(ServeFingerprint, another_request_under_the_key_is_409_on_another_instance) {
  auto& a = start_service();
  auto ob = service_options();
  ob.store = open_store();  // the second instance's own connection to the shared file
  auto& b = start_service(ob);
  ASSERT_EQ(http_call(a.port(), "POST", "/v1/charges", body("fp-3")).status, 202);
  expect_changes_refused(b.port(), "fp-3");
  EXPECT_EQ(b.stats().started, 0u);
}

TEST_F(ServeFingerprint, a_record_without_a_fingerprint_is_compared_by_its_columns) {
  // As `paystack-terminal charge --key` (or a version before fingerprints) begins it.
  paystack::charge_record rec;
  rec.key = "fp-4";
  rec.terminal_id = terminal();
  rec.customer = "CUS_serve0001";
  rec.amount = 5000;
  std::promise<bool> begun;
  store_->async_begin(rec, [&begun](boost::system::error_code ec, paystack::charge_record,
                                    bool inserted) { begun.set_value(!ec && inserted); });
  ASSERT_TRUE(begun.get_future().get());
  auto& s = start_service();
  auto r = http_call(s.port(), "POST", "/v1/charges", body("fp-4", R"(,"keep_open":true)"));
  EXPECT_EQ(r.status, 200) << "the columns agree: " << r.body;
  auto other = http_call(s.port(), "POST", "/v1/charges", charge_body("fp-4", terminal(), 5001));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(other.error_code(), "key_reused");
}
