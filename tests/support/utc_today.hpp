// Today's date (UTC) as "YYYY-MM-DD", the form `paystack-terminal report --date` takes: the tests
// that report on the simulator's sales of today (report_cli_test, report_bounds_test,
// pg_report_cli_test) share it.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace test_support {

inline std::string utc_today() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{days};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace test_support
