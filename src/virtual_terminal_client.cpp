// The nine Virtual Terminal operations: their argument checks and bodies. Method, path and
// retry class come from the table of operations (operations.hpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/virtual_terminal_client.hpp>

#include "client_core.hpp"
#include "ids.hpp"
#include "operation.hpp"
#include "operations.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// A phone number as the destinations take it: an optional '+' then 6 to 15 digits.
bool phone_ok(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.size() < 6 || s.size() > 15) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string check_count(std::string_view what, std::size_t n) {
  if (n == 0) return "at least one " + std::string(what) + " is required";
  if (n > max_virtual_terminal_destinations)
    return "at most " + std::to_string(max_virtual_terminal_destinations) + " " +
           std::string(what) + "s per call";
  return {};
}

std::string check_target(std::string_view target) {
  if (!phone_ok(target))
    return "destination target must be a phone number: an optional '+' then 6 to 15 digits";
  return {};
}

std::string check_destinations(const std::vector<destination_params>& ds) {
  auto detail = check_count("destination", ds.size());
  for (const auto& d : ds) {
    if (!detail.empty()) break;
    detail = check_target(d.target);
    if (detail.empty()) detail = check_id("destination name", d.name);
  }
  return detail;
}

boost::json::array destinations_json(const std::vector<destination_params>& ds) {
  boost::json::array out;
  for (const auto& d : ds) out.push_back({{"target", d.target}, {"name", d.name}});
  return out;
}

/// Checks and completes `handler` with invalid_argument when `detail` is not empty.
template <class T>
bool refuse(const client_core& core, any_handler<T>& handler, std::string detail) {
  if (detail.empty()) return false;
  complete_now<T>(core, std::move(handler), error::invalid_argument, std::move(detail));
  return true;
}

/// Sends the operation `id` for the terminal `code` (checked first) with `body` (empty: none).
template <class T>
void send_for_code(const std::shared_ptr<client_core>& core, operation_id id,
                   const std::string& code, std::string detail, std::string body,
                   any_handler<T> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  auto code_detail = check_id("virtual terminal code", code);
  if (refuse(*core, handler, code_detail.empty() ? std::move(detail) : std::move(code_detail)))
    return;
  const auto& op = operation(id);
  run_operation<T>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {code}).str(), std::move(body)),
      op.retry, std::move(handler));
}

std::string check_create(const create_virtual_terminal_params& p, boost::json::value& metadata) {
  auto detail = check_id("name", p.name);
  if (detail.empty()) detail = check_destinations(p.destinations);
  if (!detail.empty()) return detail;
  if (p.metadata) {
    boost::system::error_code ec;
    metadata = boost::json::parse(*p.metadata, ec);
    if (ec || !metadata.is_object()) return "metadata must be a JSON object";
  }
  for (const auto& f : p.custom_fields)
    if (f.display_name.empty() || f.variable_name.empty())
      return "every custom field needs a display_name and a variable_name";
  if (p.currency) detail = check_id("currency", *p.currency);
  if (detail.empty() && p.split_code) detail = check_id("split_code", *p.split_code);
  return detail;
}

std::string check_list(const list_virtual_terminals_params& p) {
  if (p.status && *p.status != "active" && *p.status != "inactive")
    return "status must be \"active\" or \"inactive\"";
  if (p.per_page && *p.per_page < 1) return "per_page must be at least 1";
  if (p.page && *p.page < 1) return "page must be at least 1";
  if (p.next && p.previous) return "give at most one of next and previous";
  for (const auto* c : {&p.next, &p.previous})
    if (*c && !cursor_ok(c->value()))
      return "cursor is longer than " + std::to_string(max_cursor_length) + " characters";
  if (p.search && p.search->size() > max_id_length)
    return "search is longer than " + std::to_string(max_id_length) + " characters";
  return {};
}

}  // namespace

void start_create_virtual_terminal(std::shared_ptr<client_core> core,
                                   create_virtual_terminal_params params,
                                   any_handler<virtual_terminal> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  boost::json::value metadata;
  if (refuse(*core, handler, check_create(params, metadata))) return;
  boost::json::object body;
  body["name"] = params.name;
  body["destinations"] = destinations_json(params.destinations);
  if (params.metadata) body["metadata"] = std::move(metadata);  // an object, as the spec types it
  if (params.currency) body["currency"] = *params.currency;
  if (params.split_code) body["split_code"] = *params.split_code;
  if (!params.custom_fields.empty()) {
    boost::json::array fields;
    for (const auto& f : params.custom_fields)
      fields.push_back({{"display_name", f.display_name}, {"variable_name", f.variable_name}});
    body["custom_fields"] = std::move(fields);
  }
  const auto& op = operation(operation_id::create_virtual_terminal);
  run_operation<virtual_terminal>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {}).str(),
                        boost::json::serialize(body)),
      op.retry, std::move(handler));
}

void start_list_virtual_terminals(std::shared_ptr<client_core> core,
                                  list_virtual_terminals_params params,
                                  any_handler<std::vector<virtual_terminal>> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, check_list(params))) return;
  const auto& op = operation(operation_id::list_virtual_terminals);
  auto t = operation_target(*core, op, {});
  if (params.status) t.query("status", *params.status);
  if (params.per_page) t.query("perPage", std::to_string(*params.per_page));
  if (params.page) t.query("page", std::to_string(*params.page));
  if (params.search && !params.search->empty()) t.query("search", *params.search);
  if (params.next && !params.next->empty()) t.query("next", *params.next);
  if (params.previous && !params.previous->empty()) t.query("previous", *params.previous);
  run_operation<std::vector<virtual_terminal>>(
      *core, operation_request(*core, op, std::move(t).str()), op.retry, std::move(handler));
}

void start_fetch_virtual_terminal(std::shared_ptr<client_core> core, std::string code,
                                  any_handler<virtual_terminal> handler) {
  send_for_code(core, operation_id::fetch_virtual_terminal, code, {}, {}, std::move(handler));
}

void start_update_virtual_terminal(std::shared_ptr<client_core> core, std::string code,
                                   update_virtual_terminal_params params,
                                   any_handler<empty> handler) {
  send_for_code(core, operation_id::update_virtual_terminal, code, check_id("name", params.name),
                boost::json::serialize(boost::json::object{{"name", params.name}}),
                std::move(handler));
}

void start_deactivate_virtual_terminal(std::shared_ptr<client_core> core, std::string code,
                                       any_handler<empty> handler) {
  send_for_code(core, operation_id::deactivate_virtual_terminal, code, {}, {}, std::move(handler));
}

void start_assign_virtual_terminal_destinations(
    std::shared_ptr<client_core> core, std::string code, std::vector<destination_params> ds,
    any_handler<std::vector<virtual_terminal_destination>> handler) {
  send_for_code(
      core, operation_id::assign_virtual_terminal_destinations, code, check_destinations(ds),
      boost::json::serialize(boost::json::object{{"destinations", destinations_json(ds)}}),
      std::move(handler));
}

void start_unassign_virtual_terminal_destinations(std::shared_ptr<client_core> core,
                                                  std::string code,
                                                  std::vector<std::string> targets,
                                                  any_handler<empty> handler) {
  auto detail = check_count("target", targets.size());
  boost::json::array list;
  for (const auto& t : targets) {
    if (detail.empty()) detail = check_target(t);
    list.push_back(boost::json::string(t));
  }
  send_for_code(core, operation_id::unassign_virtual_terminal_destinations, code, std::move(detail),
                boost::json::serialize(boost::json::object{{"targets", std::move(list)}}),
                std::move(handler));
}

void start_add_virtual_terminal_split_code(std::shared_ptr<client_core> core, std::string code,
                                           std::string split_code,
                                           any_handler<split_code_info> handler) {
  send_for_code(
      core, operation_id::add_virtual_terminal_split_code, code, check_id("split_code", split_code),
      boost::json::serialize(boost::json::object{{"split_code", split_code}}), std::move(handler));
}

void start_remove_virtual_terminal_split_code(std::shared_ptr<client_core> core, std::string code,
                                              std::string split_code, any_handler<empty> handler) {
  send_for_code(core, operation_id::remove_virtual_terminal_split_code, code,
                check_id("split_code", split_code),
                boost::json::serialize(boost::json::object{{"split_code", split_code}}),
                std::move(handler));
}

}  // namespace detail

virtual_terminal_client::virtual_terminal_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

virtual_terminal_client::virtual_terminal_client(executor_type executor, client_options options)
    : virtual_terminal_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace v0
}  // namespace paystack
