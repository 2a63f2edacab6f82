// async_for_each_terminal: follows cursors, honours the limit, stops on a repeated cursor.
#include "client_fixture.hpp"

namespace paystack::test {
namespace {

std::string page(std::initializer_list<const char*> ids, const char* next) {
  std::string data;
  for (const char* id : ids) {
    if (!data.empty()) data += ',';
    data += std::string(R"({"id":1,"terminal_id":")") + id +
            R"(","integration":1,"domain":"test","status":"active"})";
  }
  std::string n = next ? std::string("\"") + next + "\"" : "null";
  return R"({"status":true,"message":"Terminals retrieved successfully","data":[)" + data +
         R"(],"meta":{"next":)" + n + R"(,"previous":null,"perPage":2}})";
}

class Walk : public client_fixture {
 protected:
  std::vector<std::string> seen;
  std::function<bool(const terminal&)> collect() {
    return [this](const terminal& t) {
      seen.push_back(t.terminal_id);
      return true;
    };
  }
};

TEST_F(Walk, follows_next_until_the_last_page) {
  fake->push(json_reply(200, page({"A", "B"}, "c1")));
  fake->push(json_reply(200, page({"C", "D"}, "c2")));
  fake->push(json_reply(200, page({"E"}, nullptr)));
  auto [ec, r] = finish(client->async_for_each_terminal({.per_page = 2}, 100, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C", "D", "E"}));
  EXPECT_EQ(r.data->visited, 5u);
  EXPECT_EQ(r.data->pages, 3u);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/terminal?perPage=2");
  EXPECT_EQ(reqs[1].target, "/terminal?perPage=2&next=c1");
  EXPECT_EQ(reqs[2].target, "/terminal?perPage=2&next=c2");
}

TEST_F(Walk, limit_stops_without_fetching_more) {
  fake->push(json_reply(200, page({"A", "B"}, "c1")));
  fake->push(json_reply(200, page({"C", "D"}, "c2")));
  auto [ec, r] = finish(client->async_for_each_terminal({}, 3, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(Walk, visitor_returning_false_stops) {
  fake->push(json_reply(200, page({"A", "B"}, "c1")));
  auto [ec, r] = finish(client->async_for_each_terminal(
      {}, 100, [&](const terminal& t) { return t.terminal_id != "A"; }, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.data->visited, 1u);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(Walk, repeated_cursor_ends_with_bad_response) {
  fake->push(json_reply(200, page({"A"}, "loop")));
  fake->push(json_reply(200, page({"B"}, "loop")));
  auto [ec, r] = finish(client->async_for_each_terminal({}, 100, collect(), token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(Walk, failing_page_is_reported_with_its_message) {
  fake->push(json_reply(200, page({"A"}, "c1")));
  fake->push(json_reply(401, R"({"status":false,"message":"Invalid key"})"));
  auto [ec, r] = finish(client->async_for_each_terminal({}, 100, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status_code, 401u);
  EXPECT_EQ(r.message, "Invalid key");
  EXPECT_EQ(r.data->visited, 1u);
}

TEST_F(Walk, zero_limit_is_refused) {
  auto [ec, r] = finish(client->async_for_each_terminal({}, 0, collect(), token));
  EXPECT_EQ(ec, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

}  // namespace
}  // namespace paystack::test
