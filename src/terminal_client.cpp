// The eight Terminal operations: their argument checks and bodies. Method, path and retry class
// come from the table of operations (operations.hpp).
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/terminal_client.hpp>

#include "client_core.hpp"
#include "ids.hpp"
#include "operation.hpp"
#include "operations.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

template <class T>
bool refuse(const client_core& core, any_handler<T>& handler, std::string_view what,
            std::string_view id) {
  std::string detail = check_id(what, id);
  if (detail.empty()) return false;
  complete_now<T>(core, std::move(handler), error::invalid_argument, std::move(detail));
  return true;
}

void start_serial_operation(const std::shared_ptr<client_core>& core, operation_id id,
                            std::string serial_number, any_handler<empty> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler, "serial_number", serial_number))
    return;
  boost::json::object body;
  body["serial_number"] = serial_number;
  const auto& op = operation(id);
  run_operation<empty>(*core,
                       operation_request(*core, op, operation_target(*core, op, {}).str(),
                                         boost::json::serialize(body)),
                       op.retry, std::move(handler));
}

}  // namespace

void start_commission_terminal(std::shared_ptr<client_core> core, std::string serial_number,
                               any_handler<empty> handler) {
  start_serial_operation(core, operation_id::commission_terminal, std::move(serial_number),
                         std::move(handler));
}

void start_decommission_terminal(std::shared_ptr<client_core> core, std::string serial_number,
                                 any_handler<empty> handler) {
  start_serial_operation(core, operation_id::decommission_terminal, std::move(serial_number),
                         std::move(handler));
}

void start_fetch_event_status(std::shared_ptr<client_core> core, std::string terminal_id,
                              std::string event_id, any_handler<event_status> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler, "terminal_id", terminal_id) ||
      refuse(*core, handler, "event_id", event_id))
    return;
  const auto& op = operation(operation_id::fetch_event_status);
  run_operation<event_status>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {terminal_id, event_id}).str()),
      op.retry, std::move(handler));
}

void start_fetch_terminal(std::shared_ptr<client_core> core, std::string terminal_id,
                          any_handler<terminal> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  const auto& op = operation(operation_id::fetch_terminal);
  run_operation<terminal>(
      *core, operation_request(*core, op, operation_target(*core, op, {terminal_id}).str()),
      op.retry, std::move(handler));
}

void start_fetch_terminal_status(std::shared_ptr<client_core> core, std::string terminal_id,
                                 any_handler<terminal_status> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  const auto& op = operation(operation_id::fetch_terminal_status);
  run_operation<terminal_status>(
      *core, operation_request(*core, op, operation_target(*core, op, {terminal_id}).str()),
      op.retry, std::move(handler));
}

namespace {

/// Checks list parameters; fills `detail` and returns false when they are refused.
bool check_list_params(const list_terminals_params& p, std::string& detail) {
  if (p.per_page && *p.per_page < 1) {
    detail = "per_page must be at least 1";
    return false;
  }
  if (p.next && p.previous) {
    detail = "give at most one of next and previous";
    return false;
  }
  for (const auto* c : {&p.next, &p.previous}) {
    if (*c && !cursor_ok(c->value())) {
      detail = "cursor is longer than " + std::to_string(max_cursor_length) + " characters";
      return false;
    }
  }
  return true;
}

std::string list_target(const client_core& core, const operation_spec& op,
                        const list_terminals_params& p) {
  auto t = operation_target(core, op, {});
  if (p.per_page) t.query("perPage", std::to_string(*p.per_page));
  if (p.next && !p.next->empty()) t.query("next", *p.next);
  if (p.previous && !p.previous->empty()) t.query("previous", *p.previous);
  return std::move(t).str();
}

}  // namespace

void start_list_terminals(std::shared_ptr<client_core> core, list_terminals_params params,
                          any_handler<std::vector<terminal>> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  std::string detail;
  if (!check_list_params(params, detail))
    return complete_now<std::vector<terminal>>(*core, std::move(handler), error::invalid_argument,
                                               std::move(detail));
  const auto& op = operation(operation_id::list_terminals);
  run_operation<std::vector<terminal>>(*core,
                                       operation_request(*core, op, list_target(*core, op, params)),
                                       op.retry, std::move(handler));
}

void start_send_event(std::shared_ptr<client_core> core, std::string terminal_id,
                      terminal_event event, any_handler<event_ack> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  if (event.id() <= 0)
    return complete_now<event_ack>(*core, std::move(handler), error::invalid_argument,
                                   "event data id must be a positive integer");
  if (event.type() == event_type::invoice && event.reference().empty())
    return complete_now<event_ack>(
        *core, std::move(handler), error::invalid_argument,
        "an invoice event needs the payment request's offline reference");
  boost::json::object data;
  data["id"] = event.id();
  if (event.type() == event_type::invoice) data["reference"] = event.reference();
  boost::json::object body;
  body["type"] = to_string(event.type());
  body["action"] = to_string(event.action());
  body["data"] = std::move(data);
  const auto& op = operation(operation_id::send_event);
  run_operation<event_ack>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {terminal_id}).str(),
                        boost::json::serialize(body)),
      op.retry, std::move(handler));
}

void start_update_terminal(std::shared_ptr<client_core> core, std::string terminal_id,
                           update_terminal_params params, any_handler<empty> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  if (!params.name && !params.address)
    return complete_now<empty>(*core, std::move(handler), error::invalid_argument,
                               "update needs a name or an address");
  boost::json::object body;
  if (params.name) body["name"] = *params.name;
  if (params.address) body["address"] = *params.address;
  const auto& op = operation(operation_id::update_terminal);
  run_operation<empty>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {terminal_id}).str(),
                        boost::json::serialize(body)),
      op.retry, std::move(handler));
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

terminal_client::terminal_client(executor_type executor, client_options options)
    : core_(detail::client_core::create(std::move(executor), std::move(options))) {
  handle_ = std::make_shared<detail::client_handle>(core_->shared_ptr());
}

terminal_client::executor_type terminal_client::get_executor() const noexcept {
  return core_->shared().executor;
}

boost::system::error_code terminal_client::configuration_error() const noexcept {
  return core_->shared().config_error;
}

const std::string& terminal_client::configuration_detail() const noexcept {
  return core_->shared().config_detail;
}

const std::string& terminal_client::base_url() const noexcept {
  return core_->shared().base_url;
}

const std::shared_ptr<paystack::time_source>& terminal_client::time() const noexcept {
  return core_->shared().time;
}

terminal_client terminal_client::with(const call_options& overrides) const {
  terminal_client copy = *this;
  copy.core_ = std::make_shared<detail::client_core>(core_->shared_ptr(),
                                                     overrides.retry.value_or(core_->retry()),
                                                     overrides.timeout.value_or(core_->timeout()));
  return copy;
}

}  // namespace v0
}  // namespace paystack
