#include <boost/json/array.hpp>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack::detail {
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

}  // namespace paystack::detail
