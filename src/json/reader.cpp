#include "json/reader.hpp"

#include <boost/json/object.hpp>
#include <charconv>
#include <cmath>
#include <limits>

namespace paystack {
inline namespace v0 {
namespace detail {

std::optional<std::int64_t> int64_from_uint64(std::uint64_t u) noexcept {
  if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return static_cast<std::int64_t>(u);
}

std::optional<std::int64_t> int64_from_double(double d) noexcept {
  if (std::trunc(d) != d || std::fabs(d) > 9.0e15) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

std::optional<std::int64_t> int64_from_text(std::string_view s) noexcept {
  std::int64_t out = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first == last) return std::nullopt;
  auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec != std::errc{} || ptr != last) return std::nullopt;
  return out;
}

std::optional<std::int64_t> to_int64(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::int64:
      return v.get_int64();
    case boost::json::kind::uint64:
      return int64_from_uint64(v.get_uint64());
    case boost::json::kind::double_:
      return int64_from_double(v.get_double());
    case boost::json::kind::string:
      return int64_from_text(v.get_string());
    default:
      return std::nullopt;
  }
}

object_reader::object_reader(const boost::json::value& v, std::string path, std::string& detail)
    : obj_(v.if_object()), path_(std::move(path)), detail_(detail) {
  if (!obj_) {
    ok_ = false;
    detail_ = path_ + ": expected an object";
  }
}

const boost::json::value* object_reader::find(std::string_view key) const noexcept {
  return obj_ ? obj_->if_contains(key) : nullptr;
}

void object_reader::fail(std::string_view key, std::string_view what) {
  if (!ok_) return;
  ok_ = false;
  detail_ = path_;
  detail_ += '.';
  detail_ += key;
  detail_ += ": ";
  detail_ += what;
}

void object_reader::required(std::string_view key, std::string& out) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (const auto* s = v->if_string())
    out.assign(s->data(), s->size());
  else
    fail(key, "expected a string");
}

void object_reader::required(std::string_view key, std::int64_t& out) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (auto i = to_int64(*v))
    out = *i;
  else
    fail(key, "expected an integer");
}

void object_reader::required(std::string_view key, bool& out) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (const auto* b = v->if_bool())
    out = *b;
  else
    fail(key, "expected a boolean");
}

void object_reader::optional(std::string_view key, std::optional<std::string>& out) {
  const auto* v = find(key);
  if (!v || v->is_null()) return out.reset();
  if (const auto* s = v->if_string())
    out.emplace(s->data(), s->size());
  else
    fail(key, "expected a string or null");
}

void object_reader::optional(std::string_view key, std::optional<std::int64_t>& out) {
  const auto* v = find(key);
  if (!v || v->is_null()) return out.reset();
  if (auto i = to_int64(*v))
    out = *i;
  else
    fail(key, "expected an integer or null");
}

void object_reader::optional(std::string_view key, std::optional<bool>& out) {
  const auto* v = find(key);
  if (!v || v->is_null()) return out.reset();
  if (const auto* b = v->if_bool())
    out = *b;
  else
    fail(key, "expected a boolean or null");
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
