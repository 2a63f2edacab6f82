// The table of operations (src/operations.cpp) against the table of doc/adr/0004-retries.md:
// the ADR's rows are parsed and must be the same operations, methods, paths and retry classes,
// in the same order. Also: every start_* builds its target from its row.
#include "operations.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "client_core.hpp"

namespace paystack::detail {
namespace {

struct adr_row {
  std::string name, method, path, retry;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" `");
  const auto e = s.find_last_not_of(" `");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/// The rows of the table whose first cell is an operation name in backticks.
std::vector<adr_row> read_adr_table() {
  std::ifstream in(PAYSTACK_ADR_0004);
  EXPECT_TRUE(in) << PAYSTACK_ADR_0004;
  std::vector<adr_row> rows;
  std::string line;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos || line.compare(start, 3, "| `") != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(start + 1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() < 4) continue;
    rows.push_back({cells[0], cells[1], cells[2], cells[3]});
  }
  return rows;
}

std::string class_name(retry_class c) {
  return c == retry_class::idempotent ? "idempotent" : "unsafe";
}

TEST(Operations, table_matches_adr_0004) {
  const auto rows = read_adr_table();
  const auto table = operation_table();
  ASSERT_EQ(rows.size(), table.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].name);
    EXPECT_EQ(rows[i].name, table[i].name);
    EXPECT_EQ(rows[i].method, to_string(table[i].method));
    EXPECT_EQ(rows[i].path, table[i].path);
    EXPECT_EQ(rows[i].retry, class_name(table[i].retry));
  }
}

TEST(Operations, rows_are_found_by_id) {
  for (const auto& op : operation_table()) EXPECT_EQ(&operation(op.id), &op);
}

TEST(Operations, target_fills_the_arguments_in_order_and_encodes_them) {
  boost::asio::io_context io;
  auto shared = std::make_shared<core_shared>(io.get_executor());
  shared->ep.path_prefix = "/v1";
  client_core core(shared, retry_policy{}, std::chrono::milliseconds(1000));
  EXPECT_EQ(
      operation_target(core, operation(operation_id::fetch_event_status), {"T 1", "../e"}).str(),
      "/v1/terminal/T%201/event/..%2Fe");
  EXPECT_EQ(operation_target(core, operation(operation_id::list_terminals), {}).str(),
            "/v1/terminal");
  EXPECT_EQ(
      operation_target(core, operation(operation_id::verify_payment_request), {"PRQ_1"}).str(),
      "/v1/paymentrequest/verify/PRQ_1");
  EXPECT_EQ(
      operation_target(core, operation(operation_id::archive_payment_request), {"PRQ_1"}).str(),
      "/v1/paymentrequest/archive/PRQ_1");
  EXPECT_EQ(operation_target(core, operation(operation_id::fetch_payment_request_totals), {}).str(),
            "/v1/paymentrequest/totals");
}

TEST(operations, payment_request_writes_that_message_the_customer_are_never_repeated) {
  EXPECT_EQ(operation(operation_id::finalize_payment_request).retry, retry_class::unsafe);
  EXPECT_EQ(operation(operation_id::send_payment_request_notification).retry, retry_class::unsafe);
  EXPECT_EQ(operation(operation_id::archive_payment_request).retry, retry_class::idempotent);
  EXPECT_EQ(operation(operation_id::update_payment_request).retry, retry_class::idempotent);
}

}  // namespace
}  // namespace paystack::detail
