#include "json/envelope.hpp"

#include <boost/json/parse.hpp>
#include <paystack/error.hpp>

#include "json/reader.hpp"

namespace paystack::detail {
namespace {

std::optional<std::string> cursor(const boost::json::object& meta, std::string_view key) {
  const auto* v = meta.if_contains(key);
  if (!v) return std::nullopt;
  if (const auto* s = v->if_string()) {
    if (s->empty() || *s == "null") return std::nullopt;
    return std::string(s->data(), s->size());
  }
  if (auto i = to_int64(*v)) return std::to_string(*i);  // numeric cursors, kept as text
  return std::nullopt;
}

std::optional<std::string> string_member(const boost::json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key)) {
    if (const auto* s = v->if_string()) return std::string(s->data(), s->size());
  }
  return std::nullopt;
}

}  // namespace

boost::system::error_code parse_envelope(std::string_view body, envelope& out,
                                         std::string& detail) {
  boost::system::error_code ec;
  // Same storage on both sides: a move, not a copy.
  out.document = boost::json::parse(body, ec, out.document.storage());
  if (ec) {
    detail = body.empty() ? "empty reply body" : "reply body is not JSON (" + ec.message() + ")";
    return error::bad_response;
  }
  const auto* root = out.document.if_object();
  if (!root) {
    detail = "reply body is not a JSON object";
    return error::bad_response;
  }
  const auto* status = root->if_contains("status");
  if (!status || !status->is_bool()) {
    detail = "reply has no boolean \"status\"";
    return error::bad_response;
  }
  out.status = status->get_bool();
  if (auto m = string_member(*root, "message")) out.message = std::move(*m);
  out.type = string_member(*root, "type");
  out.code = string_member(*root, "code");

  if (const auto* d = root->if_contains("data"); d && !d->is_null()) out.data = d;
  if (!out.code && out.data) {
    if (const auto* dobj = out.data->if_object()) out.code = string_member(*dobj, "code");
  }

  if (const auto* mv = root->if_contains("meta")) {
    if (const auto* meta = mv->if_object()) {
      out.meta.next = cursor(*meta, "next");
      out.meta.previous = cursor(*meta, "previous");
      for (auto key : {"perPage", "per_page"}) {
        if (const auto* pp = meta->if_contains(key)) {
          if (auto i = to_int64(*pp)) {
            out.meta.per_page = *i;
            break;
          }
        }
      }
      out.next_step = string_member(*meta, "nextStep");
      if (!out.next_step) out.next_step = string_member(*meta, "next_step");
    }
  }
  return {};
}

}  // namespace paystack::detail
