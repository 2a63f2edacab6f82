// Tells a cache of series references that they may dangle (library_metrics.cpp): every
// family<M>::clear() of any registry (registry.cpp) moves it on. Private to the library.
#pragma once

#include <atomic>
#include <cstdint>

namespace paystack {
inline namespace v0 {
namespace metrics::detail {

/// Starts at 1 (so a zeroed cache entry never matches) and goes up by one at each clear(),
/// before the series go. A reference found while it held a value stays valid as long as it
/// still holds it (clear() racing a recording is the caller's bug, as for with()).
extern std::atomic<std::uint64_t> clear_generation;

}  // namespace metrics::detail
}  // namespace v0
}  // namespace paystack
