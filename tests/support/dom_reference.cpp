#include "dom_reference.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <paystack/error.hpp>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack::test::reference {
using detail::object_reader;
using detail::to_int64;

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

boost::system::error_code parse_envelope(std::string_view body, dom_envelope& out,
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

namespace {

bool read_terminal(const boost::json::value& v, std::string path, terminal& out,
                   std::string& detail) {
  object_reader r(v, std::move(path), detail);
  r.required("id", out.id);
  r.optional("serial_number", out.serial_number);
  r.optional("device_make", out.device_make);
  r.required("terminal_id", out.terminal_id);
  r.required("integration", out.integration);
  r.required("domain", out.domain);
  r.optional("name", out.name);
  r.optional("address", out.address);
  r.required("status", out.status);
  r.optional("split_code", out.split_code);
  return r.ok();
}

}  // namespace

bool read_model(const boost::json::value& v, terminal& out, std::string& detail) {
  return read_terminal(v, "data", out, detail);
}

bool read_model(const boost::json::value& v, std::vector<terminal>& out, std::string& detail) {
  const auto* arr = v.if_array();
  if (!arr) {
    detail = "data: expected an array";
    return false;
  }
  out.clear();
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (!read_terminal((*arr)[i], "data[" + std::to_string(i) + "]", out.emplace_back(), detail))
      return false;
  }
  return true;
}

bool read_model(const boost::json::value& v, terminal_status& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("online", out.online);
  r.required("available", out.available);
  return r.ok();
}

bool read_model(const boost::json::value& v, event_status& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("delivered", out.delivered);
  return r.ok();
}

bool read_model(const boost::json::value& v, event_ack& out, std::string& detail) {
  object_reader r(v, "data", detail);
  if (!r.ok()) return false;
  const auto* id = r.find("id");
  if (id && id->is_number()) {
    if (auto i = to_int64(*id)) {
      out.id = std::to_string(*i);
      return true;
    }
  }
  r.required("id", out.id);
  if (r.ok() && out.id.empty()) r.fail("id", "must not be empty");
  return r.ok();
}

}  // namespace paystack::test::reference

namespace paystack::test {
namespace {

bool same(const terminal& a, const terminal& b) {
  return std::tie(a.id, a.serial_number, a.device_make, a.terminal_id, a.integration, a.domain,
                  a.name, a.address, a.status, a.split_code) ==
         std::tie(b.id, b.serial_number, b.device_make, b.terminal_id, b.integration, b.domain,
                  b.name, b.address, b.status, b.split_code);
}
bool same(const std::vector<terminal>& a, const std::vector<terminal>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}
bool same(const terminal_status& a, const terminal_status& b) {
  return a.online == b.online && a.available == b.available;
}
bool same(const event_status& a, const event_status& b) {
  return a.delivered == b.delivered;
}
bool same(const event_ack& a, const event_ack& b) {
  return a.id == b.id;
}
bool same(const payment_request& a, const payment_request& b) {
  return std::tie(a.id, a.request_code, a.status, a.amount, a.currency, a.customer_id,
                  a.customer_code, a.integration) == std::tie(b.id, b.request_code, b.status,
                                                              b.amount, b.currency, b.customer_id,
                                                              b.customer_code, b.integration) &&
         a.line_items.size() == b.line_items.size() && a.tax.size() == b.tax.size();
}

template <class T>
bool reference_read(const boost::json::value& v, T& out, std::string& detail) {
  if constexpr (std::is_same_v<T, payment_request>)
    return detail::read_model(v, out, detail);
  else
    return reference::read_model(v, out, detail);
}

/// The reference's reading of a body: the same for every `data` type, so made once.
struct reference_reading {
  boost::system::error_code ec;
  std::string detail;
  reference::dom_envelope env;
};

template <class T>
std::string differences_as(std::string_view body, std::string_view name,
                           const reference_reading& reference) {
  const auto differ = [&](std::string_view what, const auto& mine, const auto& theirs) {
    std::ostringstream os;
    os << name << ": " << what << " differs (streaming: " << mine << ", reference: " << theirs
       << ")";
    return os.str();
  };
  T value{};
  const auto binding = detail::bind_data(value);
  detail::envelope env;
  std::string detail_text;
  const auto ec = detail::parse_envelope(body, env, binding, detail_text);

  const auto& ref = reference.env;
  const auto& ref_detail = reference.detail;
  const auto ref_ec = reference.ec;
  if (ec != ref_ec) return differ("outcome", ec.message(), ref_ec.message());
  if (ec) return detail_text == ref_detail ? "" : differ("detail", detail_text, ref_detail);

  const auto opt = [](const auto& o) {
    std::ostringstream os;
    if (o)
      os << '"' << *o << '"';
    else
      os << "none";
    return os.str();
  };
  if (env.status != ref.status) return differ("status", env.status, ref.status);
  if (env.message != ref.message) return differ("message", env.message, ref.message);
  if (env.type != ref.type) return differ("type", opt(env.type), opt(ref.type));
  if (env.code != ref.code) return differ("code", opt(env.code), opt(ref.code));
  if (env.next_step != ref.next_step)
    return differ("next_step", opt(env.next_step), opt(ref.next_step));
  if (env.meta.next != ref.meta.next)
    return differ("meta.next", opt(env.meta.next), opt(ref.meta.next));
  if (env.meta.previous != ref.meta.previous)
    return differ("meta.previous", opt(env.meta.previous), opt(ref.meta.previous));
  if (env.meta.per_page != ref.meta.per_page)
    return differ("meta.per_page", opt(env.meta.per_page), opt(ref.meta.per_page));
  if (env.has_data != (ref.data != nullptr))
    return differ("has data", env.has_data, ref.data != nullptr);
  if constexpr (std::is_same_v<T, empty>) {
    return "";
  } else {
    if (!ref.data) return "";
    T expected{};
    std::string expected_detail;
    const bool expected_ok = reference_read(*ref.data, expected, expected_detail);
    bool ok = env.data_error.empty();
    std::string got_detail = env.data_error;
    if constexpr (std::is_same_v<T, payment_request>)
      ok = detail::read_model(env.data_document, value, got_detail);
    if (ok != expected_ok)
      return differ("data fits", ok ? "yes" : got_detail, expected_ok ? "yes" : expected_detail);
    if (!ok)
      return got_detail == expected_detail ? ""
                                           : differ("data detail", got_detail, expected_detail);
    if (!same(value, expected)) return differ("data", "a model", "another");
    return "";
  }
}

}  // namespace

std::string reader_differences(std::string_view body) {
  reference_reading ref;
  ref.ec = reference::parse_envelope(body, ref.env, ref.detail);
  for (auto d :
       {differences_as<empty>(body, "empty", ref), differences_as<terminal>(body, "terminal", ref),
        differences_as<std::vector<terminal>>(body, "terminal list", ref),
        differences_as<terminal_status>(body, "terminal_status", ref),
        differences_as<event_status>(body, "event_status", ref),
        differences_as<event_ack>(body, "event_ack", ref),
        differences_as<payment_request>(body, "payment_request", ref)})
    if (!d.empty()) return d;
  return "";
}

}  // namespace paystack::test
