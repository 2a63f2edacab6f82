// Bad inputs to the charge service: each a clear error naming what is wrong, and nothing sent to
// Paystack (the client's logger counts every attempt) and nothing recorded.
#include "serve_fixture.hpp"

using namespace serve_test;

namespace {

class ServeInput : public ServeFixture {
 protected:
  void SetUp() override {
    ServeFixture::SetUp();
    port_ = start_service().port();
  }
  void TearDown() override {
    EXPECT_EQ(calls_.load(), 0u) << "a refused input reached Paystack";
    ServeFixture::TearDown();
  }
  /// POSTs `body`; expects `status`, error `code` and (when not empty) the field named.
  void refused(const std::string& body, int status, const std::string& code,
               const std::string& field = {}) {
    auto r = http_call(port_, "POST", "/v1/charges", body);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    EXPECT_EQ(r.error_code(), code) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(r.error_field(), field) << r.body;
    }
    auto* e = r.obj().if_contains("error");
    EXPECT_TRUE(e && !e->at("message").as_string().empty()) << r.body;
  }
  std::string t() const { return terminal(); }
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_F(ServeInput, missing_fields_are_400_naming_the_field) {
  refused(R"({"terminal_id":"T1","amount":100,"customer":"CUS_1"})", 400, "invalid_field", "key");
  refused(R"({"key":"k1","amount":100,"customer":"CUS_1"})", 400, "invalid_field", "terminal_id");
  refused(R"({"key":"k1","terminal_id":"T1","customer":"CUS_1"})", 400, "invalid_field", "amount");
  refused(R"({"key":"k1","terminal_id":"T1","amount":100})", 400, "invalid_field", "customer");
}

TEST_F(ServeInput, wrong_typed_fields_are_400_naming_the_field) {
  refused(charge_body("k2", t()).replace(charge_body("k2", t()).find("5000"), 4, "\"5000\""), 400,
          "invalid_field", "amount");
  refused(R"({"key":12,"terminal_id":"T1","amount":100,"customer":"CUS_1"})", 400, "invalid_field",
          "key");
  refused(charge_body("k2", t(), 100, R"(,"keep_open":"yes")"), 400, "invalid_field", "keep_open");
  refused(charge_body("k2", t(), 100, R"(,"wait_for_terminal":1)"), 400, "invalid_field",
          "wait_for_terminal");
  refused(charge_body("k2", t(), 100, R"(,"currency":"XYZ")"), 400, "invalid_field", "currency");
  refused(charge_body("k2", t(), 100, R"(,"description":7)"), 400, "invalid_field", "description");
  refused(charge_body("k2", t(), 100, R"(,"tip":5)"), 400, "invalid_field", "tip");
}

TEST_F(ServeInput, out_of_range_amounts_are_400) {
  refused(charge_body("k3", t(), -5), 400, "invalid_field", "amount");
  refused(charge_body("k3", t(), 0), 400, "invalid_field", "amount");
  refused(charge_body("k3", t(), 1'000'000'000'001), 400, "invalid_field", "amount");
  auto huge = charge_body("k3", t(), 1);
  huge.replace(huge.find(":1,"), 3, ":99999999999999999999999,");
  refused(huge, 400, "invalid_field", "amount");
  auto frac = charge_body("k3", t(), 1);
  frac.replace(frac.find(":1,"), 3, ":50.5,");
  refused(frac, 400, "invalid_field", "amount");
}

TEST_F(ServeInput, bad_ids_are_400) {
  refused(charge_body("has space", t()), 400, "invalid_field", "key");
  refused(charge_body(std::string(65, 'k'), t()), 400, "invalid_field", "key");
  refused(charge_body("k4", "../etc"), 400, "invalid_field", "terminal_id");
  refused(R"({"key":"k4","terminal_id":"T1","amount":100,"customer":"CUS 1"})", 400,
          "invalid_field", "customer");
  auto r = http_call(port_, "GET", "/v1/charges/bad%20key");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "key");
}

TEST_F(ServeInput, a_20_kb_body_is_413) {
  refused(charge_body("k5", t(), 100, R"(,"description":")" + std::string(20 * 1024, 'x') + "\""),
          413, "payload_too_large");
}

TEST_F(ServeInput, not_json_is_415_or_400) {
  auto r = http_call(port_, "POST", "/v1/charges", "key=k6&amount=5", std::string(token),
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.error_code(), "unsupported_media_type");
  refused("{\"key\":", 400, "invalid_json");
  refused("[1,2]", 400, "invalid_json");
}

TEST_F(ServeInput, a_missing_or_wrong_token_is_401) {
  for (std::optional<std::string> bearer :
       {std::optional<std::string>(), std::optional<std::string>("wrong-token-0000000000"),
        std::optional<std::string>(std::string(token) + "x"), std::optional<std::string>("")}) {
    auto r = http_call(port_, "POST", "/v1/charges", charge_body("k7", t()), bearer);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error_code(), "unauthorized");
    EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
    EXPECT_EQ(r.body.find(token), std::string::npos);
  }
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges", {}, std::nullopt).status, 401);
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges/k7", {}, std::string("nope")).status, 401);
}

TEST_F(ServeInput, bad_queries_are_400_naming_the_parameter) {
  auto w = http_call(port_, "GET", "/v1/charges/k8?wait=61");
  EXPECT_EQ(w.status, 400);
  EXPECT_EQ(w.error_field(), "wait");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges/k8?wait=-1").error_field(), "wait");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges?limit=0").error_field(), "limit");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges?limit=1001").error_field(), "limit");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges?open=yes").error_field(), "open");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges?after=nobody").error_field(), "after");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges?sort=key").error_field(), "sort");
}

TEST_F(ServeInput, unknown_paths_and_methods_are_404_and_405) {
  EXPECT_EQ(http_call(port_, "GET", "/v2/charges").status, 404);
  EXPECT_EQ(http_call(port_, "GET", "/v1/refunds").status, 404);
  auto r = http_call(port_, "DELETE", "/v1/charges/k9");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.error_code(), "method_not_allowed");
}

TEST_F(ServeInput, nothing_is_recorded_for_a_refused_charge) {
  refused(charge_body("k10", t(), -1), 400, "invalid_field", "amount");
  EXPECT_EQ(http_call(port_, "GET", "/v1/charges/k10").status, 404);
  auto list = http_call(port_, "GET", "/v1/charges");
  EXPECT_EQ(list.obj().at("charges").as_array().size(), 0u);
}
