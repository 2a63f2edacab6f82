// Wire helpers of paystack-sim: the response envelopes (success, the documented error envelope,
// the bare Terminal-sample errors), reading JSON/form bodies, and small JSON conversions.
#include "wire.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "limits.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view next_step_required = "Provide all required params";
constexpr std::string_view next_step_invalid = "Ensure that the params you are passing are valid";
constexpr std::string_view next_step_not_found =
    "Ensure that you're passing the correct reference for the requested resource that exists on "
    "this integration";

}  // namespace

/// Serialises an answer. Never emits ill-formed UTF-8, whatever got into the state.
std::string to_json(const json::value& v) {
  auto s = json::serialize(v);
  return valid_utf8(s) ? s : to_valid_utf8(s);
}

http_response make_json(unsigned status, const json::value& v) {
  http_response r;
  r.status = status;
  r.body = to_json(v);
  return r;
}

http_response ok(std::string_view message) {
  return make_json(200, json::object{{"status", true}, {"message", message}});
}

http_response ok(std::string_view message, json::value data) {
  return make_json(200,
                   json::object{{"status", true}, {"message", message}, {"data", std::move(data)}});
}

/// The documented error envelope: status, message, meta.nextStep, type, code.
http_response fail(unsigned status, std::string_view message, std::string_view next_step,
                   std::string_view type, std::string_view code) {
  return make_json(status, json::object{{"status", false},
                                        {"message", message},
                                        {"meta", json::object{{"nextStep", next_step}}},
                                        {"type", type},
                                        {"code", code}});
}

/// The bare `{status:false, message}` bodies of the Terminal samples.
http_response fail_plain(unsigned status, std::string_view message) {
  return make_json(status, json::object{{"status", false}, {"message", message}});
}

http_response missing(std::string_view field) {
  return fail(400, "\"" + std::string(field) + "\" is required", next_step_required,
              "validation_error", "missing_params");
}

http_response invalid(std::string message) {
  return fail(400, message, next_step_invalid, "validation_error", "invalid_params");
}

http_response not_found(std::string_view message) {
  return fail(404, message, next_step_not_found, "validation_error", "not_found");
}

http_response rate_limited() {
  return fail(429, "Rate limit exceeded!", "Wait a few minutes and try the API call again",
              "api_error", "rate_limited");
}

/// An integer from a JSON number or a decimal string (Paystack accepts both).
std::optional<std::int64_t> to_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (d >= 0 && d < 9e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d) {
      return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
  }
  if (v.is_string()) return parse_uint(v.get_string());
  return std::nullopt;
}

/// A string from a JSON string or an integer (references are sent both ways).
std::optional<std::string> to_str(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return std::nullopt;
}

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

/// Parses a JSON (or form-encoded) body into an object. Empty body: empty object.
std::optional<http_response> parse_body(const http_request& req, json::object& out) {
  auto trimmed = trim(req.body);
  if (trimmed.empty()) return std::nullopt;
  // Form bodies are accepted (the spec allows them), but a body that is plainly JSON is read as
  // JSON whatever the content type says (curl -d sends JSON labelled as a form).
  if (req.content_type.find("application/x-www-form-urlencoded") != std::string::npos &&
      trimmed.front() != '{') {
    for (auto pair : split(req.body, '&')) {
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq));
      auto value =
          eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
      if (!valid_utf8(key) || !valid_utf8(value)) {
        return fail(400, "Invalid UTF-8 in request body", next_step_invalid, "validation_error",
                    "invalid_params");
      }
      out[key] = value;
    }
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 32;
  auto v = json::parse(req.body, ec, {}, po);
  if (ec || !v.is_object()) {
    return fail(400, "Invalid JSON body", "Ensure that the request body is a valid JSON object",
                "validation_error", "invalid_params");
  }
  out = std::move(v.get_object());
  return std::nullopt;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::optional<http_response> read_per_page(std::string_view query, std::int64_t max,
                                           std::int64_t& per_page) {
  auto pp = query_param(query, "perPage");
  if (!pp) pp = query_param(query, "per_page");
  if (!pp) return std::nullopt;
  auto v = parse_uint(*pp);
  if (!v || *v < 1) return invalid("perPage must be a positive integer");
  per_page = std::min(*v, max);
  return std::nullopt;
}

}  // namespace paystack::sim::detail
