// The simulator's /virtual_terminal routes against the official samples (same fields, JSON
// types and messages), the documented errors, both paging styles, the bounds, and the Virtual
// Terminal payment (POST /_sim/virtual_terminals/{code}/pay) and its charge.success webhook.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using simtest::api_sample;
using simtest::shape_differences;

namespace {

constexpr const char* key = "sk_test_virtual_terminal_0123456789";

class SimVirtualTerminal : public simtest::sim_test {
 protected:
  SimVirtualTerminal() : sim_test(simtest::manual_options(key, 7)) {}

  /// Creates a terminal named `name`; returns its code.
  std::string create(const std::string& name = "Sales Point #1") {
    auto r = client_->post(
        "/virtual_terminal",
        R"({"name":")" + name +
            R"(","destinations":[{"target":"+27639022319","name":"Phone Destination"}]})");
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.json().at("data").at("code").as_string());
  }
};

TEST_F(SimVirtualTerminal, create_matches_the_sample) {
  auto r = client_->post("/virtual_terminal", R"({"name":"Sample Terminal","currency":"ZAR",
      "metadata":"{\"till\":\"3\"}",
      "destinations":[{"target":"+27639022319","name":"Phone Destination"}]})");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto sample = api_sample("virtual-terminal/create", "200");
  SIMTEST_EXPECT_SAME_SHAPE(sample, r.json());
  EXPECT_EQ(r.json().at("message"), "Virtual Terminal created");
  const auto j = r.json();
  const auto& d = j.at("data");
  EXPECT_EQ(d.at("currency"), "ZAR");
  EXPECT_EQ(d.at("metadata").at("till"), "3");  // a stringified object (docs) kept as an object
  EXPECT_EQ(d.at("destinations").at(0).at("type"), "whatsapp");
  EXPECT_EQ(std::string(d.at("code").as_string()).substr(0, 3), "VT_");
}

TEST_F(SimVirtualTerminal, create_refuses_what_the_docs_require) {
  auto no_name =
      client_->post("/virtual_terminal", R"({"destinations":[{"target":"2340000000"}]})");
  EXPECT_EQ(no_name.status, 400u);
  EXPECT_EQ(no_name.json().at("message"), "\"name\" is required");
  EXPECT_EQ(no_name.json().at("code"), "missing_params");
  auto no_dest = client_->post("/virtual_terminal", R"({"name":"T"})");
  EXPECT_EQ(no_dest.status, 400u);
  EXPECT_EQ(no_dest.json().at("message"), "\"destinations\" is required");
  auto bad_target =
      client_->post("/virtual_terminal", R"({"name":"T","destinations":[{"target":"call me"}]})");
  EXPECT_EQ(bad_target.status, 400u);
  std::string six = R"({"name":"T","destinations":[)";
  for (int i = 0; i < 6; ++i)
    six += std::string(i ? "," : "") + R"({"target":"234000000)" + std::to_string(i) + "\"}";
  auto too_many = client_->post("/virtual_terminal", six + "]}");
  EXPECT_EQ(too_many.status, 400u);
  auto long_name =
      client_->post("/virtual_terminal", R"({"name":")" + std::string(300, 'n') +
                                             R"(","destinations":[{"target":"2340000000"}]})");
  EXPECT_EQ(long_name.status, 400u);
  EXPECT_NE(long_name.body.find("at most 256"), std::string::npos) << long_name.body;
  auto metadata =
      client_->post("/virtual_terminal",
                    R"({"name":"T","metadata":[1],"destinations":[{"target":"2340000000"}]})");
  EXPECT_EQ(metadata.status, 400u);
}

TEST_F(SimVirtualTerminal, fetch_update_and_deactivate) {
  const auto code = create();
  auto f = client_->get("/virtual_terminal/" + code);
  ASSERT_EQ(f.status, 200u) << f.body;
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("virtual-terminal/fetch", "200"), f.json());
  EXPECT_EQ(f.json().at("message"), "Virtual Terminal retrieved");

  auto no_name = client_->put("/virtual_terminal/" + code, "{}");
  EXPECT_EQ(no_name.status, 400u);
  EXPECT_EQ(no_name.json(), api_sample("virtual-terminal/update", "400"));
  auto missing = client_->put("/virtual_terminal/VT_NOSUCH00", R"({"name":"x"})");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.json(), api_sample("virtual-terminal/update", "404"));

  auto u = client_->put("/virtual_terminal/" + code, R"({"name":"Renamed"})");
  ASSERT_EQ(u.status, 200u) << u.body;
  EXPECT_EQ(u.json().at("data").at("name"), "Renamed");

  auto d = client_->put("/virtual_terminal/" + code + "/deactivate", "");
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_EQ(d.json(), api_sample("virtual-terminal/deactivate", "200"));
  EXPECT_EQ(client_->get("/virtual_terminal/" + code).json().at("data").at("active"), false);
}

TEST_F(SimVirtualTerminal, destinations_are_assigned_and_unassigned) {
  const auto code = create();
  auto a = client_->post("/virtual_terminal/" + code + "/destination/assign",
                         R"({"destinations":[{"target":"2341234567890","name":"Another one"}]})");
  ASSERT_EQ(a.status, 200u) << a.body;
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("virtual-terminal/assign-destination", "200"), a.json());
  auto again = client_->post("/virtual_terminal/" + code + "/destination/assign",
                             R"({"destinations":[{"target":"2341234567890","name":"x"}]})");
  EXPECT_EQ(again.status, 400u);
  EXPECT_EQ(client_->get("/virtual_terminal/" + code)
                .json()
                .at("data")
                .at("destinations")
                .as_array()
                .size(),
            2u);

  auto u = client_->post("/virtual_terminal/" + code + "/destination/unassign",
                         R"({"targets":["2341234567890"]})");
  ASSERT_EQ(u.status, 200u) << u.body;
  EXPECT_EQ(u.json(), api_sample("virtual-terminal/unassign-destination", "200"));
  EXPECT_EQ(client_->get("/virtual_terminal/" + code)
                .json()
                .at("data")
                .at("destinations")
                .as_array()
                .size(),
            1u);
  auto none = client_->post("/virtual_terminal/" + code + "/destination/unassign", "{}");
  EXPECT_EQ(none.status, 400u);
  EXPECT_EQ(none.json().at("message"), "\"targets\" is required");
}

TEST_F(SimVirtualTerminal, split_code_added_then_removed_with_a_delete_body) {
  const auto code = create();
  auto a = client_->put("/virtual_terminal/" + code + "/split_code",
                        R"({"split_code":"SPL_HBaFCbbiyI"})");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.json().at("message"), "Split code assigned");
  auto sample = api_sample("virtual-terminal/add-split-code", "200");
  sample.as_object()["data"].as_object()["subaccounts"] = json::array{};  // none in the simulator
  sample.as_object()["data"].as_object()["bearer_subaccount"] = nullptr;
  SIMTEST_EXPECT_SAME_SHAPE(sample, a.json());

  auto wrong = client_->request("DELETE", "/virtual_terminal/" + code + "/split_code",
                                R"({"split_code":"SPL_other"})");
  EXPECT_EQ(wrong.status, 400u);
  EXPECT_EQ(wrong.json(), api_sample("virtual-terminal/remove-split-code", "400"));
  auto r = client_->request("DELETE", "/virtual_terminal/" + code + "/split_code",
                            R"({"split_code":"SPL_HBaFCbbiyI"})");
  EXPECT_EQ(r.status, 200u) << r.body;
  auto twice = client_->request("DELETE", "/virtual_terminal/" + code + "/split_code",
                                R"({"split_code":"SPL_HBaFCbbiyI"})");
  EXPECT_EQ(twice.status, 400u);
}

TEST_F(SimVirtualTerminal, list_pages_by_cursor_and_by_page_number) {
  for (int i = 0; i < 5; ++i) create("Till " + std::to_string(i));
  auto first = client_->get("/virtual_terminal?perPage=2");
  ASSERT_EQ(first.status, 200u) << first.body;
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("virtual-terminal/list", "200"), first.json());
  EXPECT_EQ(first.json().at("data").at(0).at("name"), "Till 4");  // newest first
  std::vector<std::string> names;
  std::string target = "/virtual_terminal?perPage=2";
  for (int pages = 0; pages < 5; ++pages) {
    auto r = client_->get(target).json();
    for (const auto& t : r.at("data").as_array()) names.emplace_back(t.at("name").as_string());
    const auto& next = r.at("meta").at("next");
    if (next.is_null()) break;
    target = "/virtual_terminal?perPage=2&next=" + std::string(next.as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Till 4", "Till 3", "Till 2", "Till 1", "Till 0"}));

  auto paged = client_->get("/virtual_terminal?perPage=2&page=3").json();
  EXPECT_EQ(paged.at("meta"),
            json::parse(R"({"total":5,"skipped":4,"perPage":2,"page":3,"pageCount":3})"));
  ASSERT_EQ(paged.at("data").as_array().size(), 1u);
  EXPECT_EQ(paged.at("data").at(0).at("name"), "Till 0");
}

TEST_F(SimVirtualTerminal, list_filters_by_status_and_search) {
  const auto a = create("Front till");
  create("Back office");
  ASSERT_EQ(client_->put("/virtual_terminal/" + a + "/deactivate", "").status, 200u);
  auto inactive = client_->get("/virtual_terminal?status=inactive").json();
  ASSERT_EQ(inactive.at("data").as_array().size(), 1u);
  EXPECT_EQ(inactive.at("data").at(0).at("code"), json::value(a));
  auto found = client_->get("/virtual_terminal?search=back").json();
  ASSERT_EQ(found.at("data").as_array().size(), 1u);
  EXPECT_EQ(found.at("data").at(0).at("name"), "Back office");
  EXPECT_EQ(client_->get("/virtual_terminal?status=gone").status, 400u);
  EXPECT_EQ(client_->get("/virtual_terminal?page=0").status, 400u);
  EXPECT_EQ(client_->get("/virtual_terminal?next=bogus").status, 400u);
}

TEST_F(SimVirtualTerminal, a_payment_emits_the_guides_charge_success) {
  const auto code = create();
  auto pay = client_->post("/_sim/virtual_terminals/" + code + "/pay", R"({"amount":10000})");
  ASSERT_EQ(pay.status, 200u) << pay.body;
  auto log = sim_->webhook_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].event, "charge.success");
  EXPECT_EQ(log[0].signature, simtest::hmac_sha512_hex(key, log[0].body));
  auto body = json::parse(log[0].body);
  auto sample = simtest::load_sample("guides/terminal/virtual-terminal/webhook/index.json");
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  const auto& data = body.at("data");
  EXPECT_EQ(data.at("source").at("source"), "virtual_terminal");
  EXPECT_EQ(data.at("source").at("identifier"), json::value(code));
  EXPECT_EQ(data.at("metadata").at("virtual_terminal").at("code"), json::value(code));
  EXPECT_EQ(data.at("amount"), 10000);
  EXPECT_EQ(data.at("reference"), pay.json().at("data").at("reference"));

  EXPECT_EQ(client_->post("/_sim/virtual_terminals/" + code + "/pay", "{}").status, 400u);
  EXPECT_EQ(client_->post("/_sim/virtual_terminals/VT_NOSUCH00/pay", R"({"amount":1})").status,
            404u);
  ASSERT_EQ(client_->put("/virtual_terminal/" + code + "/deactivate", "").status, 200u);
  EXPECT_EQ(client_->post("/_sim/virtual_terminals/" + code + "/pay", R"({"amount":1})").status,
            409u);
  EXPECT_EQ(sim_->webhook_log().size(), 1u);
}

TEST_F(SimVirtualTerminal, state_shows_them_and_reset_forgets_them) {
  const auto code = create();
  auto state = client_->get("/_sim/state").json();
  ASSERT_EQ(state.at("data").at("virtual_terminals").as_array().size(), 1u);
  EXPECT_EQ(state.at("data").at("virtual_terminals").at(0).at("code"), json::value(code));
  ASSERT_EQ(client_->post("/_sim/reset", "").status, 200u);
  EXPECT_EQ(client_->get("/virtual_terminal/" + code).status, 404u);
  EXPECT_TRUE(client_->get("/virtual_terminal").json().at("data").as_array().empty());
  EXPECT_TRUE(
      client_->get("/_sim/state").json().at("data").at("virtual_terminals").as_array().empty());
}

}  // namespace
