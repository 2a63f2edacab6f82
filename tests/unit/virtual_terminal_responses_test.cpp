// Every official Virtual Terminal sample (api/virtual-terminal and the guide's) read into the
// envelope and the models, success and error bodies; malformed replies; the lazy walk over both
// paging styles.
#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

class VirtualTerminalResponses : public client_fixture {
 protected:
  virtual_terminal_client vt{*client};
};

TEST_F(VirtualTerminalResponses, create_sample) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/create", "200")));
  auto [ec, r] = finish(vt.async_create_virtual_terminal(
      {.name = "Sample Terminal", .destinations = {{"+27639022319", "Phone Destination"}}}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Virtual Terminal created");
  const auto& t = *r.data;
  EXPECT_EQ(t.id, 27691);
  EXPECT_EQ(t.code, "VT_LJK5892Z");
  EXPECT_EQ(t.name, "Sample Terminal");
  EXPECT_EQ(t.integration, 530700);
  EXPECT_EQ(t.domain, "test");
  EXPECT_TRUE(t.active);
  EXPECT_EQ(t.metadata, std::nullopt);
  EXPECT_EQ(t.currency, "ZAR");
  EXPECT_TRUE(t.payment_methods.empty());
  ASSERT_EQ(t.destinations.size(), 1u);
  EXPECT_EQ(t.destinations[0].target, "+27639022319");
  EXPECT_EQ(t.destinations[0].kind(), destination_kind::whatsapp);
  EXPECT_EQ(t.destinations[0].name, "Phone Destination");
}

TEST_F(VirtualTerminalResponses, guide_create_sample_with_payment_method_and_metadata) {
  fake->push(json_reply(
      200, read_file(std::string(PAYSTACK_SAMPLES_DIR) + "/guides/terminal/virtual-terminal/"
                                                         "create-virtual-terminal/index.json")));
  auto [ec, r] = finish(vt.async_fetch_virtual_terminal("VT_L837PT5K", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  const auto& t = *r.data;
  EXPECT_EQ(t.domain, "live");
  EXPECT_EQ(t.metadata, R"({"testing":"metadata"})");
  ASSERT_EQ(t.payment_methods.size(), 1u);
  EXPECT_EQ(t.payment_methods[0].type, "dedicated_nuban");
  EXPECT_EQ(t.payment_methods[0].account_number, "9964842038");
  EXPECT_EQ(t.payment_methods[0].bank, "Paystack-Titan");
  ASSERT_EQ(t.destinations.size(), 1u);
  EXPECT_EQ(t.destinations[0].target, "2347081234567");
  EXPECT_EQ(t.destinations[0].name, std::nullopt);  // null in the guide
}

TEST_F(VirtualTerminalResponses, every_market_payment_method_sample_is_read) {
  for (const char* market : {"gh", "ke", "ng"}) {
    SCOPED_TRACE(market);
    auto methods = boost::json::parse(read_file(
        std::string(PAYSTACK_SAMPLES_DIR) + "/guides/terminal/virtual-terminal/payment-methods/" +
        market + "-payment-method.json"));
    boost::json::object data{{"id", 1}, {"code", "VT_X"}, {"name", "n"}, {"active", true}};
    data["paymentMethods"] = methods.at("paymentMethods");
    fake->push(json_reply(200, boost::json::serialize(boost::json::object{
                                   {"status", true}, {"message", "ok"}, {"data", data}})));
    auto [ec, r] = finish(vt.async_fetch_virtual_terminal("VT_X", token));
    ASSERT_FALSE(ec) << r.error_detail;
    ASSERT_EQ(r.data->payment_methods.size(), 1u);
    EXPECT_FALSE(r.data->payment_methods[0].type.empty());
    EXPECT_TRUE(r.data->payment_methods[0].account_number.has_value());
  }
}

TEST_F(VirtualTerminalResponses, fetch_sample) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/fetch", "200")));
  auto [ec, r] = finish(vt.async_fetch_virtual_terminal("VT_MCK5292Z", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Virtual Terminal retrieved");
  EXPECT_EQ(r.data->code, "VT_MCK5292Z");
  EXPECT_EQ(r.data->created_at, "2025-02-04T12:56:56.000Z");
  ASSERT_EQ(r.data->destinations.size(), 1u);
  EXPECT_EQ(r.data->destinations[0].name, "Sales Point #1");
  EXPECT_EQ(r.data->destinations[0].created_at, "2025-02-04T12:56:56.000Z");
}

TEST_F(VirtualTerminalResponses, list_sample_with_cursor_meta) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/list", "200")));
  auto [ec, r] = finish(vt.async_list_virtual_terminals({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Virtual Terminals retrieved");
  ASSERT_EQ(r.data->size(), 2u);
  EXPECT_EQ(r.data->at(0).code, "VT_SOUAPKJZ");
  EXPECT_EQ(r.data->at(1).name, "Sales Point #4");
  EXPECT_TRUE(r.data->at(1).destinations.empty());
  EXPECT_EQ(r.meta.next, std::nullopt);
  EXPECT_EQ(r.meta.per_page, 50);
}

TEST_F(VirtualTerminalResponses, list_with_the_specs_page_meta) {
  fake->push(json_reply(200, R"({"status":true,"message":"Virtual Terminals retrieved","data":[],
      "meta":{"total":7,"skipped":5,"perPage":"5","page":2,"pageCount":2}})"));
  auto [ec, r] = finish(vt.async_list_virtual_terminals({.page = 2}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.meta.total, 7);
  EXPECT_EQ(r.meta.page, 2);
  EXPECT_EQ(r.meta.page_count, 2);
  EXPECT_EQ(r.meta.per_page, 5);
}

TEST_F(VirtualTerminalResponses, deactivate_and_unassign_samples) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/deactivate", "200")));
  fake->push(json_reply(200, sample_body("api/virtual-terminal/unassign-destination", "200")));
  auto [e1, d] = finish(vt.async_deactivate_virtual_terminal("VT_1", token));
  auto [e2, u] = finish(vt.async_unassign_destinations("VT_1", {"2340000000"}, token));
  ASSERT_FALSE(e1 || e2);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.message, "Terminal set to inactive");
  EXPECT_TRUE(u.ok());
  EXPECT_EQ(u.message, "Destination deleted successfully");
}

TEST_F(VirtualTerminalResponses, assign_sample) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/assign-destination", "200")));
  auto [ec, r] = finish(vt.async_assign_destinations("VT_1", {{"2341234567890", "x"}}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Destinations assigned successfully");
  ASSERT_EQ(r.data->size(), 1u);
  const auto& d = r.data->front();
  EXPECT_EQ(d.target, "2341234567890");
  EXPECT_EQ(d.name, "Another one");
  EXPECT_EQ(d.type, "whatsapp");
  EXPECT_EQ(d.id, 27934);
  EXPECT_EQ(d.created_at, "2025-02-04T13:26:35.278Z");
  EXPECT_EQ(d.updated_at, "2025-02-04T13:26:35.278Z");
}

TEST_F(VirtualTerminalResponses, add_split_code_sample) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/add-split-code", "200")));
  auto [ec, r] = finish(vt.async_add_split_code("VT_1", "SPL_HBaFCbbiyI", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Split code assigned");
  const auto& s = *r.data;
  EXPECT_EQ(s.id, 3025782);
  EXPECT_EQ(s.split_code, "SPL_HBaFCbbiyI");
  EXPECT_EQ(s.type, "flat");
  EXPECT_EQ(s.currency, "ZAR");
  EXPECT_EQ(s.active, true);
  EXPECT_EQ(s.bearer_type, "subaccount");
  EXPECT_EQ(s.bearer_subaccount, 854043);
  EXPECT_EQ(s.is_dynamic, true);
  EXPECT_EQ(s.total_subaccounts, 2);
  EXPECT_EQ(s.created_at, "2024-10-23T11:09:05.000Z");
}

TEST_F(VirtualTerminalResponses, update_error_samples_are_data) {
  fake->push(json_reply(400, sample_body("api/virtual-terminal/update", "400")));
  fake->push(json_reply(404, sample_body("api/virtual-terminal/update", "404")));
  auto [e1, bad] = finish(vt.async_update_virtual_terminal("VT_1", {"n"}, token));
  auto [e2, missing] = finish(vt.async_update_virtual_terminal("VT_2", {"n"}, token));
  ASSERT_FALSE(e1 || e2);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status_code, 400u);
  EXPECT_EQ(bad.message, "\"name\" is required");
  EXPECT_EQ(bad.type, "validation_error");
  EXPECT_EQ(bad.code, "missing_params");
  EXPECT_EQ(bad.next_step, "Provide all required params\u00a0");  // a no-break space, as sent
  EXPECT_EQ(missing.status_code, 404u);
  EXPECT_EQ(missing.message, "Virtual Terminal not assigned");
  EXPECT_EQ(missing.code, "unknown");
}

TEST_F(VirtualTerminalResponses, update_success_with_or_without_data_is_ok) {
  fake->push(json_reply(200, R"({"status":true,"message":"Virtual Terminal updated"})"));
  fake->push(json_reply(200, R"({"status":true,"message":"Virtual Terminal updated",)"
                             R"("data":{"id":1,"code":"VT_1","name":"n","active":true}})"));
  auto [e1, a] = finish(vt.async_update_virtual_terminal("VT_1", {"n"}, token));
  auto [e2, b] = finish(vt.async_update_virtual_terminal("VT_1", {"n"}, token));
  EXPECT_FALSE(e1 || e2);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
}

TEST_F(VirtualTerminalResponses, remove_split_code_error_sample) {
  fake->push(json_reply(400, sample_body("api/virtual-terminal/remove-split-code", "400")));
  auto [ec, r] = finish(vt.async_remove_split_code("VT_1", "SPL_x", token));
  ASSERT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.message, "Payment method does not exist");
  EXPECT_EQ(r.code, "not_found");
  EXPECT_EQ(r.type, "validation_error");
}

TEST_F(VirtualTerminalResponses, malformed_success_replies_are_bad_response) {
  struct bad {
    const char* body;
    const char* detail;
  };
  for (
      const auto& c : {
          bad{R"({"status":true,"message":"ok","data":{"id":1,"name":"n","active":true}})",
              "data.code: missing"},
          bad{R"({"status":true,"message":"ok","data":{"id":1,"code":"V","name":"n","active":true,)"
              R"("destinations":[{"target":7,"type":"whatsapp"}]}})",
              "data.destinations[0].target: expected a string"},
          bad{R"({"status":true,"message":"ok","data":{"id":1,"code":"V","name":"n","active":true,)"
              R"("paymentMethods":{}}})",
              "data.paymentMethods: expected an array"},
          bad{R"({"status":true,"message":"ok","data":[]})", "expected an object"},
      }) {
    fake->push(json_reply(200, c.body));
    auto [ec, r] = finish(vt.async_fetch_virtual_terminal("V", token));
    EXPECT_EQ(ec, error::bad_response) << c.body;
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error_detail.find(c.detail), std::string::npos) << r.error_detail;
    EXPECT_EQ(r.raw_body, c.body);
  }
  fake->push(json_reply(200,
                        R"({"status":true,"message":"ok","data":[{"id":1,"code":"A","name":"n",)"
                        R"("active":true},{"id":2,"name":"n","active":true}]})"));
  auto [ec, r] = finish(vt.async_list_virtual_terminals({}, token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_NE(r.error_detail.find("data[1].code: missing"), std::string::npos) << r.error_detail;
  fake->push(
      json_reply(200, R"({"status":true,"message":"ok","data":{"id":"x","split_code":"S"}})"));
  auto [ec2, s] = finish(vt.async_add_split_code("V", "S", token));
  EXPECT_EQ(ec2, error::bad_response);
  EXPECT_NE(s.error_detail.find("data.id"), std::string::npos) << s.error_detail;
}

TEST(VirtualTerminalModels, unknown_destination_kinds_keep_their_text) {
  virtual_terminal_destination d;
  d.type = "sms";
  EXPECT_EQ(d.kind(), destination_kind::other);
  EXPECT_EQ(d.type, "sms");
  d.type = "whatsapp";
  EXPECT_EQ(d.kind(), destination_kind::whatsapp);
}

// ---- the lazy walk -------------------------------------------------------------------------

std::string vt_page(std::initializer_list<const char*> codes, const std::string& meta) {
  std::string data;
  for (const char* c : codes) {
    if (!data.empty()) data += ',';
    data += std::string(R"({"id":1,"code":")") + c + R"(","name":"n","active":true})";
  }
  return R"({"status":true,"message":"Virtual Terminals retrieved","data":[)" + data +
         R"(],"meta":)" + meta + "}";
}

class VirtualTerminalWalk : public VirtualTerminalResponses {
 protected:
  std::vector<std::string> seen;
  std::function<bool(const virtual_terminal&)> collect() {
    return [this](const virtual_terminal& t) {
      seen.push_back(t.code);
      return true;
    };
  }
};

TEST_F(VirtualTerminalWalk, follows_cursors) {
  fake->push(json_reply(200, vt_page({"A", "B"}, R"({"next":"c1","previous":null,"perPage":2})")));
  fake->push(json_reply(200, vt_page({"C"}, R"({"next":null,"previous":"p","perPage":2})")));
  auto [ec, r] = finish(vt.async_for_each_virtual_terminal({.status = "active", .per_page = 2}, 100,
                                                           collect(), token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(r.data->pages, 2u);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/virtual_terminal?status=active&perPage=2");
  EXPECT_EQ(reqs[1].target, "/virtual_terminal?status=active&perPage=2&next=c1");
}

TEST_F(VirtualTerminalWalk, follows_page_numbers) {
  fake->push(json_reply(
      200, vt_page({"A", "B"}, R"({"total":3,"skipped":0,"perPage":2,"page":1,"pageCount":2})")));
  fake->push(json_reply(
      200, vt_page({"C"}, R"({"total":3,"skipped":2,"perPage":2,"page":2,"pageCount":2})")));
  auto [ec, r] = finish(vt.async_for_each_virtual_terminal({.per_page = 2}, 100, collect(), token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].target, "/virtual_terminal?perPage=2&page=2");
}

TEST_F(VirtualTerminalWalk, a_repeated_page_number_ends_with_bad_response) {
  const char* meta = R"({"total":9,"perPage":2,"page":1,"pageCount":5})";
  fake->push(json_reply(200, vt_page({"A"}, meta)));
  fake->push(json_reply(200, vt_page({"B"}, meta)));  // the server ignored ?page=2
  auto [ec, r] = finish(vt.async_for_each_virtual_terminal({}, 100, collect(), token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_EQ(fake->request_count(), 2u);
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(VirtualTerminalWalk, limit_and_refusals) {
  fake->push(json_reply(200, vt_page({"A", "B"}, R"({"next":"c1","perPage":2})")));
  auto [ec, r] = finish(vt.async_for_each_virtual_terminal({}, 1, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.data->visited, 1u);
  auto [ec0, r0] = finish(vt.async_for_each_virtual_terminal({}, 0, collect(), token));
  EXPECT_EQ(ec0, error::invalid_argument);
  auto [ec1, r1] = finish(vt.async_for_each_virtual_terminal({.status = "x"}, 5, collect(), token));
  EXPECT_EQ(ec1, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 1u);
}

}  // namespace
}  // namespace paystack::test
