// What every Virtual Terminal operation sends (method, path, percent-encoding, query, JSON
// body) and what each refuses before sending.
#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

namespace json = boost::json;

constexpr const char* ok_empty = R"({"status":true,"message":"done"})";

class VirtualTerminalRequests : public client_fixture {
 protected:
  virtual_terminal_client vt{*client};

  http_request only_request() {
    auto r = fake->requests();
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? http_request{} : r.front();
  }
};

TEST_F(VirtualTerminalRequests, create_posts_name_destinations_and_the_optional_fields) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/create", "200")));
  create_virtual_terminal_params p;
  p.name = "Sales Point #1";
  p.destinations = {{"+27639022319", "Phone Destination"}};
  p.metadata = R"({"till":"3"})";
  p.currency = "ZAR";
  p.split_code = "SPL_1";
  p.custom_fields = {{"Invoice", "invoice_id"}};
  auto [ec, r] = finish(vt.async_create_virtual_terminal(p, token));
  EXPECT_FALSE(ec) << r.error_detail;
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::post);
  EXPECT_EQ(req.target, "/virtual_terminal");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.header("Authorization"), std::string("Bearer ") + test_key);
  EXPECT_EQ(json::parse(req.body), json::parse(R"({"name":"Sales Point #1",
      "destinations":[{"target":"+27639022319","name":"Phone Destination"}],
      "metadata":{"till":"3"},"currency":"ZAR","split_code":"SPL_1",
      "custom_fields":[{"display_name":"Invoice","variable_name":"invoice_id"}]})"));
}

TEST_F(VirtualTerminalRequests, create_sends_only_what_is_set) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/create", "200")));
  auto [ec, r] = finish(vt.async_create_virtual_terminal(
      {.name = "Till", .destinations = {{"2347081234567", "Front"}}}, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(
      json::parse(only_request().body),
      json::parse(R"({"name":"Till","destinations":[{"target":"2347081234567","name":"Front"}]})"));
}

TEST_F(VirtualTerminalRequests, list_sends_every_filter_encoded) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/list", "200")));
  auto [ec, r] = finish(vt.async_list_virtual_terminals(
      {.status = "active", .per_page = 20, .page = 2, .search = "Sales Point #3", .next = "a+b/c="},
      token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::get);
  EXPECT_EQ(req.target,
            "/virtual_terminal?status=active&perPage=20&page=2&search=Sales%20Point%20%233&next="
            "a%2Bb%2Fc%3D");
  EXPECT_TRUE(req.body.empty());
  EXPECT_EQ(req.header("Content-Type"), "");
}

TEST_F(VirtualTerminalRequests, fetch_update_and_deactivate_paths) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/fetch", "200")));
  fake->push(json_reply(200, ok_empty));
  fake->push(json_reply(200, sample_body("api/virtual-terminal/deactivate", "200")));
  auto [e1, f] = finish(vt.async_fetch_virtual_terminal("VT_MCK5292Z", token));
  auto [e2, u] = finish(vt.async_update_virtual_terminal("VT_MCK5292Z", {"New name"}, token));
  auto [e3, d] = finish(vt.async_deactivate_virtual_terminal("VT/1", token));
  EXPECT_FALSE(e1 || e2 || e3);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, http_method::get);
  EXPECT_EQ(reqs[0].target, "/virtual_terminal/VT_MCK5292Z");
  EXPECT_EQ(reqs[1].method, http_method::put);
  EXPECT_EQ(reqs[1].target, "/virtual_terminal/VT_MCK5292Z");
  EXPECT_EQ(json::parse(reqs[1].body), json::parse(R"({"name":"New name"})"));
  EXPECT_EQ(reqs[2].method, http_method::put);
  EXPECT_EQ(reqs[2].target, "/virtual_terminal/VT%2F1/deactivate");
  EXPECT_TRUE(reqs[2].body.empty());
}

TEST_F(VirtualTerminalRequests, assign_and_unassign_destinations) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/assign-destination", "200")));
  fake->push(json_reply(200, sample_body("api/virtual-terminal/unassign-destination", "200")));
  auto [e1, a] =
      finish(vt.async_assign_destinations("VT_1", {{"2341234567890", "Another one"}}, token));
  auto [e2, u] = finish(vt.async_unassign_destinations("VT_1", {"2341234567890"}, token));
  EXPECT_FALSE(e1 || e2);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, http_method::post);
  EXPECT_EQ(reqs[0].target, "/virtual_terminal/VT_1/destination/assign");
  EXPECT_EQ(json::parse(reqs[0].body),
            json::parse(R"({"destinations":[{"target":"2341234567890","name":"Another one"}]})"));
  EXPECT_EQ(reqs[1].method, http_method::post);
  EXPECT_EQ(reqs[1].target, "/virtual_terminal/VT_1/destination/unassign");
  EXPECT_EQ(json::parse(reqs[1].body), json::parse(R"({"targets":["2341234567890"]})"));
}

TEST_F(VirtualTerminalRequests, split_code_is_put_and_deleted_with_a_json_body) {
  fake->push(json_reply(200, sample_body("api/virtual-terminal/add-split-code", "200")));
  fake->push(json_reply(200, ok_empty));
  auto [e1, a] = finish(vt.async_add_split_code("VT_1", "SPL_HBaFCbbiyI", token));
  auto [e2, r] = finish(vt.async_remove_split_code("VT_1", "SPL_HBaFCbbiyI", token));
  EXPECT_FALSE(e1 || e2);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, http_method::put);
  EXPECT_EQ(reqs[1].method, http_method::delete_);
  EXPECT_EQ(to_string(reqs[1].method), "DELETE");
  for (const auto& req : reqs) {
    EXPECT_EQ(req.target, "/virtual_terminal/VT_1/split_code");
    EXPECT_EQ(req.header("Content-Type"), "application/json");
    EXPECT_EQ(json::parse(req.body), json::parse(R"({"split_code":"SPL_HBaFCbbiyI"})"));
  }
}

// ---- refused before sending -------------------------------------------------------------

template <class R>
auto record(std::vector<boost::system::error_code>& out, std::string& detail) {
  return [&out, &detail](boost::system::error_code ec, R r) {
    out.push_back(ec);
    detail = r.error_detail;
  };
}

TEST_F(VirtualTerminalRequests, bad_arguments_are_refused_before_sending) {
  std::vector<boost::system::error_code> ecs;
  std::string detail;
  const auto expect_refused = [&](const char* what, const char* part) {
    io.restart();
    io.run();
    ASSERT_FALSE(ecs.empty()) << what;
    EXPECT_EQ(ecs.back(), error::invalid_argument) << what;
    EXPECT_NE(detail.find(part), std::string::npos) << what << ": " << detail;
  };
  using vt_r = response<virtual_terminal>;
  using empty_r = response<empty>;
  const std::string long_id(max_id_length + 1, 'x');

  vt.async_create_virtual_terminal({.name = "", .destinations = {{"2340000000", "a"}}},
                                   record<vt_r>(ecs, detail));
  expect_refused("no name", "name must not be empty");
  vt.async_create_virtual_terminal({.name = "T"}, record<vt_r>(ecs, detail));
  expect_refused("no destinations", "at least one destination");
  vt.async_create_virtual_terminal(
      {.name = "T", .destinations = std::vector<destination_params>(6, {"2340000000", "a"})},
      record<vt_r>(ecs, detail));
  expect_refused("six destinations", "at most 5");
  vt.async_create_virtual_terminal({.name = "T", .destinations = {{"+23a4000000", "a"}}},
                                   record<vt_r>(ecs, detail));
  expect_refused("letters in target", "phone number");
  vt.async_create_virtual_terminal({.name = "T", .destinations = {{"12345", "a"}}},
                                   record<vt_r>(ecs, detail));
  expect_refused("short target", "phone number");
  vt.async_create_virtual_terminal({.name = "T", .destinations = {{"2340000000", ""}}},
                                   record<vt_r>(ecs, detail));
  expect_refused("no destination name", "destination name");
  vt.async_create_virtual_terminal(
      {.name = "T", .destinations = {{"2340000000", "a"}}, .metadata = "[1]"},
      record<vt_r>(ecs, detail));
  expect_refused("array metadata", "metadata must be a JSON object");
  vt.async_create_virtual_terminal(
      {.name = "T", .destinations = {{"2340000000", "a"}}, .custom_fields = {{"", "x"}}},
      record<vt_r>(ecs, detail));
  expect_refused("custom field", "custom field");
  vt.async_list_virtual_terminals({.status = "gone"},
                                  record<response<std::vector<virtual_terminal>>>(ecs, detail));
  expect_refused("status", "status must be");
  vt.async_list_virtual_terminals({.page = 0},
                                  record<response<std::vector<virtual_terminal>>>(ecs, detail));
  expect_refused("page 0", "page must be at least 1");
  vt.async_list_virtual_terminals({.next = "a", .previous = "b"},
                                  record<response<std::vector<virtual_terminal>>>(ecs, detail));
  expect_refused("two cursors", "at most one");
  vt.async_fetch_virtual_terminal("", record<vt_r>(ecs, detail));
  expect_refused("empty code", "virtual terminal code must not be empty");
  vt.async_deactivate_virtual_terminal(long_id, record<empty_r>(ecs, detail));
  expect_refused("long code", "longer than");
  vt.async_update_virtual_terminal("VT_1", {""}, record<empty_r>(ecs, detail));
  expect_refused("empty new name", "name must not be empty");
  vt.async_assign_destinations(
      "VT_1", {}, record<response<std::vector<virtual_terminal_destination>>>(ecs, detail));
  expect_refused("assign nothing", "at least one destination");
  vt.async_unassign_destinations("VT_1", {"not a phone"}, record<empty_r>(ecs, detail));
  expect_refused("unassign bad target", "phone number");
  vt.async_unassign_destinations("VT_1", {}, record<empty_r>(ecs, detail));
  expect_refused("unassign nothing", "at least one target");
  vt.async_add_split_code("VT_1", "", record<response<split_code_info>>(ecs, detail));
  expect_refused("empty split code", "split_code must not be empty");
  vt.async_remove_split_code("", "SPL_1", record<empty_r>(ecs, detail));
  expect_refused("remove without code", "virtual terminal code");
  EXPECT_EQ(ecs.size(), 19u);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(VirtualTerminalRequests, writes_are_never_repeated_reads_are) {
  // A 503 is repeated for the idempotent fetch, returned at once for the unsafe assign.
  fake->push(json_reply(503, R"({"status":false,"message":"down"})"));
  fake->push(json_reply(200, sample_body("api/virtual-terminal/fetch", "200")));
  auto [e1, f] = finish(vt.async_fetch_virtual_terminal("VT_1", token));
  EXPECT_TRUE(f.ok());
  EXPECT_EQ(f.attempts, 2u);
  fake->push(json_reply(503, R"({"status":false,"message":"down"})"));
  auto [e2, a] = finish(vt.async_assign_destinations("VT_1", {{"2340000000", "a"}}, token));
  EXPECT_EQ(a.status_code, 503u);
  EXPECT_EQ(a.attempts, 1u);
  EXPECT_EQ(fake->request_count(), 3u);
}

}  // namespace
}  // namespace paystack::test
