// libFuzzer target: any bytes as a Paystack reply body, read by the streaming reply reader as
// every `data` type and by the document-based reference (tests/support/dom_reference.cpp).
// Nothing may crash, leak or read out of bounds, and the two must make the same of the body:
// the same envelope, the same models, the same refusals with the same explanations.
// Build: cmake --preset fuzz && cmake --build --preset fuzz --target reply_fuzzer
// Run:   build/fuzz/fuzz/reply_fuzzer -max_total_time=30 CORPUS (scripts/fuzz.sh seeds it)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dom_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto difference = paystack::test::reader_differences(body);
  if (!difference.empty()) {
    std::fprintf(stderr, "reply readers disagree: %s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
