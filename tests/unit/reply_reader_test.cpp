// The streaming reply reader (src/json/envelope.cpp): what it makes of bodies, and that it
// agrees with the document-based reference (tests/support/dom_reference.cpp) on every official
// sample and on bodies written to reach its corners.
#include <gtest/gtest.h>

#include <filesystem>
#include <paystack/error.hpp>

#include "dom_reference.hpp"
#include "json/models.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

template <class T>
struct read_result {
  boost::system::error_code ec;
  std::string detail;
  detail::envelope env;
  T value{};
};

template <class T>
read_result<T> read(std::string_view body) {
  read_result<T> r;
  r.ec = detail::parse_envelope(body, r.env, detail::bind_data(r.value), r.detail);
  return r;
}

constexpr std::string_view terminal_json =
    R"({"id":30,"serial_number":"S1","device_make":null,"terminal_id":"2872S934",)"
    R"("integration":463433,"domain":"live","name":"Front","address":null,"status":"active"})";

std::string wrap(std::string_view data) {
  return std::string(R"({"status":true,"message":"ok","data":)") + std::string(data) + "}";
}

TEST(ReplyReader, streams_a_terminal_into_the_model) {
  auto r = read<terminal>(wrap(terminal_json));
  ASSERT_FALSE(r.ec) << r.detail;
  EXPECT_TRUE(r.env.status);
  EXPECT_EQ(r.env.message, "ok");
  EXPECT_TRUE(r.env.has_data);
  EXPECT_EQ(r.env.data_error, "");
  EXPECT_EQ(r.value.id, 30);
  EXPECT_EQ(r.value.serial_number, "S1");
  EXPECT_EQ(r.value.device_make, std::nullopt);
  EXPECT_EQ(r.value.terminal_id, "2872S934");
  EXPECT_EQ(r.value.integration, 463433);
  EXPECT_EQ(r.value.name, "Front");
}

TEST(ReplyReader, escaped_strings_and_keys_are_unescaped) {
  // Escapes make the parser hand strings over in pieces.
  auto r = read<terminal>(
      R"({"st\u0061tus":true,"message":"caf\u00e9 \"quoted\" \\ \/","data":)"
      R"({"id":1,"terminal_id":"a\u0041\n","integration":2,"domain":"test","status":"x",)"
      R"("n\u0061me":"\ud83d\ude00"}})");
  ASSERT_FALSE(r.ec) << r.detail;
  EXPECT_EQ(r.env.message, "caf\xc3\xa9 \"quoted\" \\ /");
  EXPECT_EQ(r.value.terminal_id, "aA\n");
  EXPECT_EQ(r.value.name, "\xf0\x9f\x98\x80");
  EXPECT_EQ(r.env.data_error, "");
}

TEST(ReplyReader, the_first_problem_in_member_order_is_reported_with_its_path) {
  // terminal_id (4th member) is wrong, id (1st) is missing: the 1st wins, as a reader of the
  // document would say.
  auto r = read<terminal>(wrap(R"({"terminal_id":5,"integration":1,"domain":"d","status":"s"})"));
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(r.env.data_error, "data.id: missing");
  auto list = read<std::vector<terminal>>(
      wrap(std::string("[") + std::string(terminal_json) + R"(,{"id":"x"}])"));
  EXPECT_EQ(list.env.data_error, "data[1].id: expected an integer");
  auto item =
      read<std::vector<terminal>>(wrap(std::string("[") + std::string(terminal_json) + ",7]"));
  EXPECT_EQ(item.env.data_error, "data[1]: expected an object");
  EXPECT_EQ(read<terminal>(wrap("[]")).env.data_error, "data: expected an object");
  EXPECT_EQ(read<std::vector<terminal>>(wrap("{}")).env.data_error, "data: expected an array");
  EXPECT_EQ(read<event_ack>(wrap(R"({"id":""})")).env.data_error, "data.id: must not be empty");
  EXPECT_EQ(read<terminal_status>(wrap(R"({"online":true,"available":{"x":1}})")).env.data_error,
            "data.available: expected a boolean");
}

TEST(ReplyReader, a_repeated_key_takes_its_last_value) {
  auto r = read<event_status>(
      R"({"status":false,"status":true,"data":{"delivered":"no"},"data":{"delivered":true}})");
  ASSERT_FALSE(r.ec) << r.detail;
  EXPECT_TRUE(r.env.status);
  EXPECT_EQ(r.env.data_error, "");
  EXPECT_TRUE(r.value.delivered);
  auto list = read<std::vector<terminal>>(wrap(std::string("[") + std::string(terminal_json) + "," +
                                               std::string(terminal_json) + R"(],"data":[])"));
  EXPECT_TRUE(list.value.empty());
}

TEST(ReplyReader, envelope_members_and_cursor_spellings) {
  auto r = read<empty>(
      R"({"status":false,"message":"Bad","type":"validation_error","data":{"code":"INVALID_PUSH_ID",)"
      R"("deep":[{"code":"no"}]},"meta":{"next":12,"previous":"null","per_page":"25",)"
      R"("next_step":"Retry","nextStep":{"x":1}}})");
  ASSERT_FALSE(r.ec) << r.detail;
  EXPECT_FALSE(r.env.status);
  EXPECT_EQ(r.env.type, "validation_error");
  EXPECT_EQ(r.env.code, "INVALID_PUSH_ID");
  EXPECT_EQ(r.env.meta.next, "12");
  EXPECT_EQ(r.env.meta.previous, std::nullopt);
  EXPECT_EQ(r.env.meta.per_page, 25);
  EXPECT_EQ(r.env.next_step, "Retry");
}

TEST(ReplyReader, bodies_that_are_not_envelopes_are_refused_with_a_reason) {
  EXPECT_EQ(read<terminal>("").detail, "empty reply body");
  EXPECT_EQ(read<terminal>("[1]").detail, "reply body is not a JSON object");
  EXPECT_EQ(read<terminal>("\"s\"").detail, "reply body is not a JSON object");
  EXPECT_EQ(read<terminal>(R"({"status":"true"})").detail, "reply has no boolean \"status\"");
  EXPECT_EQ(read<terminal>(R"({"status":true} x)").ec, error::bad_response);
  EXPECT_NE(read<terminal>(R"({"status":true,)").detail.find("not JSON"), std::string::npos);
}

TEST(ReplyReader, a_payment_request_is_kept_as_a_document_and_read_from_it) {
  auto r = read<payment_request>(wrap(
      R"({"id":7,"request_code":"PRQ_1","status":"pending","amount":"2000",)"
      R"("customer":{"id":9,"customer_code":"CUS_1"},"line_items":[{"name":"a","amount":1}]})"));
  ASSERT_FALSE(r.ec) << r.detail;
  ASSERT_TRUE(r.env.data_document.is_object());
  std::string d;
  ASSERT_TRUE(detail::read_model(r.env.data_document, r.value, d)) << d;
  EXPECT_EQ(r.value.amount, 2000);
  EXPECT_EQ(r.value.customer_code, "CUS_1");
  ASSERT_EQ(r.value.line_items.size(), 1u);
}

TEST(ReplyReader, agrees_with_the_reference_on_every_official_sample) {
  int bodies = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(PAYSTACK_SAMPLES_DIR)) {
    if (entry.path().filename() != "response.json") continue;
    const auto doc = boost::json::parse(read_file(entry.path().string()));
    for (const auto& [code, sample] : doc.as_object()) {
      const auto* data = sample.is_object() ? sample.get_object().if_contains("data") : nullptr;
      if (!data) continue;
      const auto body = boost::json::serialize(*data);
      EXPECT_EQ(reader_differences(body), "") << entry.path() << " " << code.data();
      ++bodies;
    }
  }
  EXPECT_GT(bodies, 20);
}

TEST(ReplyReader, agrees_with_the_reference_on_corner_cases) {
  const std::string t(terminal_json);
  const char* bodies[] = {
      R"({"status":true})",
      R"({"status":true,"data":null})",
      R"({"status":true,"data":null,"data":{"id":"5"}})",
      R"({"status":true,"data":{"id":"5"},"data":null})",
      R"({"status":true,"data":5})",
      R"({"status":true,"data":"x","code":7})",
      R"({"status":true,"data":[{"id":1},{"id":2}],"meta":[1]})",
      R"({"status":true,"data":[[1],{"id":2}]})",
      R"({"status":true,"data":{"id":12.0}})",
      R"({"status":true,"data":{"id":1.5}})",
      R"({"status":true,"data":{"id":18446744073709551615}})",
      R"({"status":true,"data":{"id":9223372036854775807}})",
      R"({"status":true,"data":{"id":-3,"online":null,"available":false}})",
      R"({"status":true,"data":{"delivered":true,"delivered":null}})",
      R"({"status":true,"data":{"code":"A","code":5}})",
      R"({"status":true,"code":"TOP","data":{"code":"A"}})",
      R"({"status":true,"message":5,"type":null,"code":[]})",
      R"({"status":true,"message":"a","message":{}})",
      R"({"status":true,"meta":{"next":"","previous":3.0,"perPage":"x","per_page":4}})",
      R"({"status":true,"meta":{"next":"c1"},"meta":5})",
      R"({"status":true,"meta":{"perPage":1e3,"nextStep":"a","next_step":"b"}})",
      R"({"status":true,"meta":{"next":{"a":[1,{"b":2}]},"per_page":"-2"}})",
      R"({"data":{"id":1},"status":true,"extra":{"status":false}})",
      R"({"status":{"status":true}})",
      R"({"status":true,"data":{"x":{"id":1,"data":[]},"id":2,"terminal_id":"t","integration":1,"domain":"d","status":"s"}})",
      R"({"status":true,"data":[{"id":1,"terminal_id":"t","integration":1,"domain":"d","status":"s","name":["n"]}]})",
      R"({"status":true,"data":[{"id":1,"terminal_id":"t","integration":1,"domain":"d","status":"s"},3,{"id":"q"}]})",
      R"({"status":true,"data":{"id":true}})",
      R"({"status":true,"data":{"id":""}})",
      R"({"status":true,"data":{"id":"e1","id":2.0}})",
      R"({"status":true,"meta":{"next":"null","previous":"p"}})",
      R"({"status":true,"data":{"request_code":"P","id":1,"status":"s","amount":1,"customer":"CUS_x","integration":{"id":1}}})",
      R"({"status":true,"data":{"request_code":"P","id":1,"status":"s","amount":1,"tax":[{"name":"v"}]}})",
      R"(  {"status" : true , "data" : [ ] }  )",
      R"({"status":true,"data":{}} )",
      R"({"status":true,"a":{"b":{"c":{"d":{"e":[[[[1]]]]}}}}})",
  };
  for (const char* body : bodies) EXPECT_EQ(reader_differences(body), "") << body;
  EXPECT_EQ(reader_differences(wrap(t)), "");
  EXPECT_EQ(reader_differences(wrap("[" + t + "," + t + "]")), "");
}

}  // namespace
}  // namespace paystack::test
