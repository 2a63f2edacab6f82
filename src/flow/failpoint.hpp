// Test-only crash points: with PAYSTACK_FAILPOINTS defined (CMake option
// PAYSTACK_TEST_FAILPOINTS, off by default and in release builds), failpoint("x") kills the
// process with SIGKILL when the environment variable PAYSTACK_FAILPOINT is "x". Without the
// define it compiles to nothing. The names are listed in doc/charges.md (crash timeline).
#pragma once

#include <string_view>
#ifdef PAYSTACK_FAILPOINTS
#include <csignal>
#include <cstdlib>
#endif

namespace paystack {
inline namespace v0 {
namespace detail {

inline void failpoint([[maybe_unused]] std::string_view name) noexcept {
#ifdef PAYSTACK_FAILPOINTS
  const char* want = std::getenv("PAYSTACK_FAILPOINT");
  if (want != nullptr && name == want) std::raise(SIGKILL);
#endif
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
