// libFuzzer target: raw bytes through paystack-sim's HTTP parsing and request handling, without
// sockets (paystack::sim::detail::process_raw, which answers through the same respond() as the
// socket server). Two modes, chosen by the first byte:
//  - raw: the input is the byte stream a client would send (pipelining included);
//  - shaped: a valid request line, headers and Content-Length for one of the simulator's routes
//    around a fuzzed body, so that the JSON handling of every endpoint is reached quickly.
// Whatever the input, every answer must be well-formed UTF-8 (the simulator never echoes
// ill-formed bytes into JSON); a violation aborts. Seeds: fuzz/seeds/sim/ (scripts/fuzz.sh).
// Build: cmake --preset fuzz && cmake --build --preset fuzz --target sim_request_fuzzer
// Run:   build/fuzz/simulator/sim_request_fuzzer -max_total_time=30

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine.hpp"
#include "http_server.hpp"
#include "limits.hpp"

namespace {

namespace detail = paystack::sim::detail;

paystack::sim::server_options make_options() {
  paystack::sim::server_options o;
  o.secret_key = "sk_test_fuzz";
  o.delivery_delay = std::chrono::milliseconds{0};  // deliver and pay synchronously
  o.auto_pay_delay = std::chrono::milliseconds{0};
  o.max_body_bytes = 16 * 1024;
  o.rate_limit = 1000000;
  return o;
}

struct route {
  std::string_view method;
  std::string_view target;  // "{T}" becomes a terminal id, "{P}" a payment request id
};

constexpr std::array<route, 16> routes{{
    {"GET", "/terminal"},
    {"GET", "/terminal?perPage=2&next="},
    {"GET", "/terminal/{T}"},
    {"PUT", "/terminal/{T}"},
    {"GET", "/terminal/{T}/presence"},
    {"POST", "/terminal/{T}/event"},
    {"GET", "/terminal/{T}/event/"},
    {"POST", "/terminal/commission_device"},
    {"POST", "/terminal/decommission_device"},
    {"POST", "/paymentrequest"},
    {"GET", "/paymentrequest/{P}"},
    {"GET", "/paymentrequest/verify/"},
    {"POST", "/_sim/faults"},
    {"POST", "/_sim/terminals/{T}/presence"},
    {"POST", "/_sim/payment-requests/{P}/decline"},
    {"POST", "/_sim/devices"},
}};

std::string expand(std::string_view target, const std::string& terminal) {
  std::string out(target);
  if (auto p = out.find("{T}"); p != std::string::npos) out.replace(p, 3, terminal);
  if (auto p = out.find("{P}"); p != std::string::npos) out.replace(p, 3, "1000");
  return out;
}

/// `input` may ask for a truncated answer, which can cut a character in two: not checked then.
void check(std::string_view input, const std::string& answers) {
  if (input.find("truncate") != std::string_view::npos) return;
  if (!detail::valid_utf8(answers)) std::abort();  // ill-formed UTF-8 in an answer
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto options = make_options();
  static detail::engine eng(options, {});
  static std::size_t runs = 0;
  if (++runs % 2000 == 0) eng.reset();  // keep state (and memory) bounded

  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty() || static_cast<unsigned char>(input[0]) < 128) {
    check(input, detail::process_raw(eng, options, input));
    return 0;
  }
  if (input.size() < 3) return 0;
  const auto& r = routes[static_cast<unsigned char>(input[1]) % routes.size()];
  bool fault = (static_cast<unsigned char>(input[0]) & 1) != 0;
  auto terminals = eng.terminal_ids();
  std::string terminal = terminals.empty() ? "NONE" : terminals.front();
  std::string_view body = input.substr(2);
  std::string target = expand(r.target, terminal);
  std::string_view fault_spec;
  if (fault) {  // the first line of the body becomes the fault spec
    auto nl = body.find('\n');
    fault_spec = body.substr(0, nl == std::string_view::npos ? body.size() : nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    for (char c : fault_spec) {
      if (c == '\r' || c == '\0') return 0;  // would not be a valid header value
    }
  }
  std::string request;
  request.reserve(body.size() + 256);
  request.append(r.method).append(" ").append(target).append(" HTTP/1.1\r\nHost: fuzz\r\n");
  request.append("Authorization: Bearer sk_test_fuzz\r\nContent-Type: application/json\r\n");
  if (fault) request.append("x-sim-fault: ").append(fault_spec).append("\r\nx-sim-fault-id: f\r\n");
  request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  request.append(body);
  check(input, detail::process_raw(eng, options, request));
  return 0;
}
