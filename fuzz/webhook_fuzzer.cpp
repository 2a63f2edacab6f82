// libFuzzer target: webhook bodies and signature headers. The input is split at its first
// newline: before it the x-paystack-signature header, after it the raw body. Checks:
//  - verify_webhook_signature never accepts the fuzzed header unless it is the real HMAC;
//  - a body signed with sign_webhook_payload always verifies (in either case), and one flipped
//    hex digit never does;
//  - parse_webhook_event never crashes, and a parsed event keeps the raw body.
// Build: cmake --preset fuzz && cmake --build --preset fuzz --target webhook_fuzzer
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <paystack/webhook.hpp>
#include <string>
#include <string_view>

namespace {
constexpr std::string_view key = "sk_test_fuzz_webhook_key";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view header;
  std::string_view body = in;
  if (auto nl = in.find('\n'); nl != std::string_view::npos) {
    header = in.substr(0, nl);
    body = in.substr(nl + 1);
  }

  const std::string good = paystack::sign_webhook_payload(body, key);
  const bool accepted = paystack::verify_webhook_signature(body, header, key);
  if (accepted) {
    // Only the real signature (any case, surrounding blanks) may pass.
    std::string h(header);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.back()))) h.pop_back();
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front()))) h.erase(0, 1);
    for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (h != good) std::abort();
  }
  if (!paystack::verify_webhook_signature(body, good, key)) std::abort();
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!paystack::verify_webhook_signature(body, upper, key)) std::abort();
  std::string flipped = good;
  flipped[size % flipped.size()] = flipped[size % flipped.size()] == '0' ? '1' : '0';
  if (paystack::verify_webhook_signature(body, flipped, key)) std::abort();
  if (paystack::verify_webhook_signature(body, good, "sk_test_other")) std::abort();

  std::string detail;
  auto e = paystack::parse_webhook_event(body, &detail);
  if (e && e->raw_body != body) std::abort();
  if (!e && detail.empty()) std::abort();
  return 0;
}
