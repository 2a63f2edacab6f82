// The ABI check's fixture (tests/package/abi_fixture_check.sh): a tiny shared library whose
// versions differ only by the switches below, so that check-abi.sh can be shown to fail.
//   ABIFIXTURE_PLANTED_CHANGE: options gains a member before timeout_ms (incompatible).
//   ABIFIXTURE_ADDED_FUNCTION: a new function, twice (compatible).
//   ABIFIXTURE_PRIVATE_CHANGE: counter's impl (defined in abifixture.cpp) gains a member; not
//     part of the ABI when only the public headers' types count (check-abi.sh --headers).
#pragma once

#include <memory>
#include <string>

#define ABIFIXTURE_EXPORT __attribute__((visibility("default")))

namespace abifixture {
inline namespace v0 {

/// Options passed by reference to the library.
struct options {
#ifdef ABIFIXTURE_PLANTED_CHANGE
  int retries = 0;
#endif
  int timeout_ms = 1000;
  int port = 443;
};

/// The sum of the options' fields.
ABIFIXTURE_EXPORT int total(const options& o);

/// The options as text.
ABIFIXTURE_EXPORT std::string describe(const options& o);

/// A counter behind a pointer to its implementation, as paystack's classes are.
class ABIFIXTURE_EXPORT counter {
 public:
  counter();
  ~counter();
  /// Adds one; returns the count.
  int next();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

#ifdef ABIFIXTURE_ADDED_FUNCTION
/// Twice x.
ABIFIXTURE_EXPORT int twice(int x);
#endif

}  // namespace v0
}  // namespace abifixture
