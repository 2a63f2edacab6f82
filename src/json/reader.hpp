// A small lenient reader over Boost.JSON values: unknown keys are ignored, absent or null
// optional members stay empty, a missing or wrongly typed required member is an error that
// names its path ("data.terminal_id: expected a string").
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace detail {

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

/// Reads every item of a list reply's `data` array with `read_one(item, "data[i]", out_item,
/// detail)`. False (with `detail`) when `data` is not an array or an item does not fit.
template <class T, class ReadOne>
bool read_array(const boost::json::value& v, std::vector<T>& out, std::string& detail,
                ReadOne read_one) {
  const auto* arr = v.if_array();
  if (!arr) {
    detail = "data: expected an array";
    return false;
  }
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (!read_one((*arr)[i], "data[" + std::to_string(i) + "]", out.emplace_back(), detail))
      return false;
  }
  return true;
}

/// Reads the array member `key` of `parent` (absent or null: nothing) into `out`, one
/// object_reader per item (path "<parent>.<key>[i]") given to `fill(reader, item)`. False (with
/// `detail` set) when `key` is not an array or an item does not fit.
template <class Item, class Fill>
bool read_items(object_reader& parent, std::string_view key, std::vector<Item>& out,
                std::string& detail, Fill fill) {
  const auto* v = parent.find(key);
  if (!v || v->is_null()) return true;
  const auto* arr = v->if_array();
  if (!arr) {
    parent.fail(key, "expected an array");
    return false;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    object_reader r((*arr)[i],
                    parent.path() + "." + std::string(key) + "[" + std::to_string(i) + "]", detail);
    fill(r, out.emplace_back());
    if (!r.ok()) return false;
  }
  return true;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
