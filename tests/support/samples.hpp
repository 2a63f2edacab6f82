// Access to the official Paystack samples (tests/data/paystack-samples) used as fixtures.
#pragma once

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace paystack::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The body of the sample `<dir>/response.json` under key `code` ("200", "404"...), serialised.
inline std::string sample_body(const std::string& dir, const std::string& code) {
  auto doc = boost::json::parse(
      read_file(std::string(PAYSTACK_SAMPLES_DIR) + "/" + dir + "/response.json"));
  return boost::json::serialize(doc.at(code).at("data"));
}

}  // namespace paystack::test
