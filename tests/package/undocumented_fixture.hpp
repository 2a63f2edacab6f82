// A public-looking header with one undocumented member: ctest
// package.docs_fail_on_undocumented proves the API reference's Doxygen configuration
// (doc/Doxyfile.in) fails on it. Never compiled, never installed.
#pragma once

namespace paystack {
inline namespace v0 {

/// A documented struct.
struct documented_struct {
  int documented = 0;  ///< a documented member
  int undocumented = 0;
};

}  // namespace v0
}  // namespace paystack
