// libFuzzer target: any bytes as a Paystack reply body, through the envelope parser and every
// model reader (the code that reads what the network sends). Nothing may crash, leak or read
// out of bounds; a reader that succeeds must leave a usable model.
// Build: cmake --preset fuzz && cmake --build --preset fuzz --target reply_fuzzer
// Run:   build/fuzz/fuzz/reply_fuzzer -max_total_time=30 CORPUS (scripts/fuzz.sh seeds it)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/envelope.hpp"
#include "json/models.hpp"

namespace {

template <class T>
void read_as(const paystack::detail::envelope& env) {
  if (env.data == nullptr) return;
  T model{};
  std::string detail;
  const bool ok = paystack::detail::read_model(*env.data, model, detail);
  if (!ok && detail.empty()) std::abort();  // a refusal always explains itself
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  paystack::detail::envelope env;
  std::string detail;
  if (auto ec = paystack::detail::parse_envelope(body, env, detail)) {
    if (detail.empty()) std::abort();
    return 0;
  }
  read_as<paystack::terminal>(env);
  read_as<std::vector<paystack::terminal>>(env);
  read_as<paystack::terminal_status>(env);
  read_as<paystack::event_status>(env);
  read_as<paystack::event_ack>(env);
  read_as<paystack::payment_request>(env);
  return 0;
}
