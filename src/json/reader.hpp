// A small lenient reader over Boost.JSON values: unknown keys are ignored, absent or null
// optional members stay empty, a missing or wrongly typed required member is an error that
// names its path ("data.terminal_id: expected a string").
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paystack::detail {

/// Integer from a JSON integer, an integral double, or a string of decimal digits (Paystack
/// sends some amounts as strings).
std::optional<std::int64_t> to_int64(const boost::json::value& v) noexcept;

// The conversions behind to_int64, one per JSON kind (the streaming reader uses them too).
std::optional<std::int64_t> int64_from_uint64(std::uint64_t u) noexcept;
std::optional<std::int64_t> int64_from_double(double d) noexcept;
std::optional<std::int64_t> int64_from_text(std::string_view s) noexcept;

class object_reader {
 public:
  /// `path` prefixes error messages, e.g. "data" or "data[3]".
  object_reader(const boost::json::value& v, std::string path, std::string& detail);

  bool ok() const noexcept { return ok_; }
  /// The path errors are reported under ("data", "data[3]").
  const std::string& path() const noexcept { return path_; }
  const boost::json::object* object() const noexcept { return obj_; }
  const boost::json::value* find(std::string_view key) const noexcept;

  void required(std::string_view key, std::string& out);
  void required(std::string_view key, std::int64_t& out);
  void required(std::string_view key, bool& out);
  void optional(std::string_view key, std::optional<std::string>& out);
  void optional(std::string_view key, std::optional<std::int64_t>& out);
  void optional(std::string_view key, std::optional<bool>& out);

  /// Records an error at `key` (first error wins).
  void fail(std::string_view key, std::string_view what);

 private:
  const boost::json::object* obj_ = nullptr;
  std::string path_;
  std::string& detail_;
  bool ok_ = true;
};

}  // namespace paystack::detail
