#pragma once
// A fault to inject into one request, and the x-sim-fault grammar that describes it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace paystack::sim::detail {

enum class reset_mode { none, before_read, after_read };

/// A fault to inject into one request (parsed from x-sim-fault or a registered plan).
struct fault_plan {
  std::optional<unsigned> status;        ///< answer with this status instead of handling
  std::optional<unsigned> retry_after;   ///< seconds; implies 429 unless status is given
  std::chrono::milliseconds delay{0};    ///< wait before answering
  reset_mode reset = reset_mode::none;   ///< RST the connection
  bool truncate = false;                 ///< send half the body, then close
  bool html502 = false;                  ///< an HTML 502 page instead of handling
  std::chrono::milliseconds trickle{0};  ///< send the response a few bytes at a time
  std::string error;                     ///< non-empty: the spec was malformed (answer 400)
};

/// Parses an x-sim-fault spec ("status=503;delay_ms=10"). `times` is returned separately.
fault_plan parse_fault_spec(std::string_view spec, std::optional<unsigned>* times = nullptr);

}  // namespace paystack::sim::detail
