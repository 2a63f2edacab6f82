// The text exposition format 0.0.4 (exposition.hpp).
#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace paystack {
inline namespace v0 {
namespace metrics::exposition {

namespace {

bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view type_name(metric_type t) noexcept {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool valid_metric_name(std::string_view name) noexcept {
  if (name.empty() || is_digit(name.front())) return false;
  for (char c : name) {
    if (!is_alpha(c) && !is_digit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) noexcept {
  if (name.empty() || is_digit(name.front()) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!is_alpha(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void write_header(std::string& out, std::string_view name, std::string_view help,
                  metric_type type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_help(out, help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(type);
  out += '\n';
}

void write_sample(std::string& out, std::string_view name, std::span<const std::string> labels,
                  std::span<const std::string> values, std::string_view extra, double value) {
  out += name;
  if (!labels.empty() || !extra.empty()) {
    out += '{';
    for (std::size_t i = 0; i < labels.size() && i < values.size(); ++i) {
      if (i) out += ',';
      out += labels[i];
      out += "=\"";
      append_label_value(out, values[i]);
      out += '"';
    }
    if (!extra.empty()) {
      if (!labels.empty()) out += ',';
      out += extra;
    }
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void write_histogram(std::string& out, std::string_view name, std::span<const std::string> labels,
                     std::span<const std::string> values, const histogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  const auto counts = h.bucket_counts();
  const auto& bounds = h.bounds();
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    std::string le = "le=\"";
    if (i < bounds.size())
      append_number(le, bounds[i]);
    else
      le += "+Inf";
    le += '"';
    write_sample(out, bucket, labels, values, le, static_cast<double>(cumulative));
  }
  // _count is the +Inf bucket's: the counts were read once, so the two always agree.
  write_sample(out, std::string(name) + "_sum", labels, values, {}, h.sum());
  write_sample(out, std::string(name) + "_count", labels, values, {},
               static_cast<double>(cumulative));
}

}  // namespace metrics::exposition
}  // namespace v0
}  // namespace paystack
