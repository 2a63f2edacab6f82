// The Virtual Terminal models. The flat ones (a destination, the split of Add Split Code) are
// read in the SAX pass with field lists, as terminal_json.cpp does; a Virtual Terminal carries
// arrays of objects (destinations, paymentMethods) and a free-form metadata object, which a
// field list cannot hold, so it is read from the `data` document (as a payment request is).
#include <boost/json/serialize.hpp>
#include <paystack/virtual_terminal.hpp>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {

destination_kind to_destination_kind(std::string_view type) noexcept {
  return type == "whatsapp" ? destination_kind::whatsapp : destination_kind::other;
}

namespace detail {
namespace {

void list_destination(virtual_terminal_destination& d, field_list& f) {
  f.assign({{"target", &d.target},
            {"type", &d.type},
            {"name", &d.name},
            {"id", &d.id},
            {"created_at", &d.created_at},
            {"createdAt", &d.created_at},
            {"updatedAt", &d.updated_at}});
}

void list_split(split_code_info& s, field_list& f) {
  f.assign({{"id", &s.id},
            {"split_code", &s.split_code},
            {"name", &s.name},
            {"type", &s.type},
            {"currency", &s.currency},
            {"integration", &s.integration},
            {"domain", &s.domain},
            {"active", &s.active},
            {"bearer_type", &s.bearer_type},
            {"bearer_subaccount", &s.bearer_subaccount},
            {"is_dynamic", &s.is_dynamic},
            {"total_subaccounts", &s.total_subaccounts},
            {"createdAt", &s.created_at},
            {"updatedAt", &s.updated_at}});
}

bool read_terminal(object_reader& r, virtual_terminal& out, std::string& detail) {
  r.required("id", out.id);
  r.required("code", out.code);
  r.required("name", out.name);
  r.required("active", out.active);
  r.optional("integration", out.integration);
  r.optional("domain", out.domain);
  r.optional("currency", out.currency);
  r.optional("created_at", out.created_at);
  if (const auto* m = r.find("metadata"); m && !m->is_null())
    out.metadata = boost::json::serialize(*m);
  if (!r.ok()) return false;
  if (!read_items(r, "destinations", out.destinations, detail,
                  [](object_reader& dr, virtual_terminal_destination& d) {
                    dr.required("target", d.target);
                    dr.required("type", d.type);
                    dr.optional("name", d.name);
                    dr.optional("id", d.id);
                    dr.optional("created_at", d.created_at);
                    if (!d.created_at) dr.optional("createdAt", d.created_at);
                    dr.optional("updatedAt", d.updated_at);
                  }))
    return false;
  return read_items(r, "paymentMethods", out.payment_methods, detail,
                    [](object_reader& pr, virtual_terminal_payment_method& p) {
                      pr.required("type", p.type);
                      pr.optional("account_number", p.account_number);
                      pr.optional("account_name", p.account_name);
                      pr.optional("bank", p.bank);
                    });
}

}  // namespace

data_binding bind_data(virtual_terminal& out) {
  return document_binding(out);
}

data_binding bind_data(std::vector<virtual_terminal>& out) {
  return document_binding(out);
}

data_binding bind_data(std::vector<virtual_terminal_destination>& out) {
  return {data_binding::shape::array_of_objects, &out,
          [](void* m, field_list& f) {
            list_destination(
                static_cast<std::vector<virtual_terminal_destination>*>(m)->emplace_back(), f);
          },
          [](void* m) { static_cast<std::vector<virtual_terminal_destination>*>(m)->clear(); }};
}

data_binding bind_data(split_code_info& out) {
  return {data_binding::shape::object, &out,
          [](void* m, field_list& f) { list_split(*static_cast<split_code_info*>(m), f); },
          [](void* m) { *static_cast<split_code_info*>(m) = split_code_info{}; }};
}

bool read_model(const boost::json::value& v, virtual_terminal& out, std::string& detail) {
  object_reader r(v, "data", detail);
  return read_terminal(r, out, detail);
}

bool read_model(const boost::json::value& v, std::vector<virtual_terminal>& out,
                std::string& detail) {
  return read_array(
      v, out, detail,
      [](const boost::json::value& item, std::string path, virtual_terminal& vt, std::string& d) {
        object_reader r(item, std::move(path), d);
        return read_terminal(r, vt, d);
      });
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
