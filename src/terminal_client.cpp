// The eight Terminal operations and the terminal walker: what each sends, and how it may be
// retried (the retry table, with doc/adr/0004-retries.md).
#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <paystack/terminal_client.hpp>
#include <set>

#include "client_core.hpp"
#include "operation.hpp"

namespace paystack {
namespace detail {
namespace {

void copy_int_header(std::string_view v, std::optional<std::int64_t>& out) {
  std::int64_t i = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (!v.empty() && ec == std::errc{} && p == v.data() + v.size()) out = i;
}

/// Refuses an empty or oversized identifier before anything is sent.
bool refuse_bad_id(std::string_view what, std::string_view id, std::string& detail) {
  if (id.empty()) {
    detail = std::string(what) + " must not be empty";
    return true;
  }
  if (id.size() > 256) {
    detail = std::string(what) + " is longer than 256 characters";
    return true;
  }
  return false;
}

template <class T>
bool refuse(const client_core& core, any_handler<T>& handler, std::string_view what,
            std::string_view id) {
  std::string detail;
  if (!refuse_bad_id(what, id, detail)) return false;
  complete_now<T>(core, std::move(handler), error::invalid_argument, std::move(detail));
  return true;
}

void start_serial_operation(const std::shared_ptr<client_core>& core, std::string_view action,
                            std::string serial_number, any_handler<empty> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler, "serial_number", serial_number))
    return;
  boost::json::object body;
  body["serial_number"] = serial_number;
  auto target = core->target().literal("terminal").literal(action);
  run_operation<empty>(
      *core,
      core->make_request(http_method::post, std::move(target).str(), boost::json::serialize(body)),
      retry_class::unsafe, std::move(handler));
}

}  // namespace

void copy_headers(http_reply& reply, response_headers& out) {
  // One pass; the first of a repeated header counts, as http_reply::header() would say.
  bool limit = false, remaining = false, reset = false, retry = false, type = false;
  for (auto& header : reply.headers) {
    const std::string& name = header.first;
    std::string& value = header.second;
    const auto is = [&](std::string_view n, bool& seen) {
      if (seen || !boost::beast::iequals(name, n)) return false;
      return seen = true;
    };
    if (is("content-type", type)) {
      out.content_type = std::move(value);
    } else if (is("retry-after", retry)) {
      if (!value.empty()) out.retry_after = std::move(value);
    } else if (is("x-ratelimit-limit", limit)) {
      copy_int_header(value, out.rate_limit_limit);
    } else if (is("x-ratelimit-remaining", remaining)) {
      copy_int_header(value, out.rate_limit_remaining);
    } else if (is("x-ratelimit-reset", reset)) {
      copy_int_header(value, out.rate_limit_reset);
    }
  }
}

void start_commission_terminal(std::shared_ptr<client_core> core, std::string serial_number,
                               any_handler<empty> handler) {
  start_serial_operation(core, "commission_device", std::move(serial_number), std::move(handler));
}

void start_decommission_terminal(std::shared_ptr<client_core> core, std::string serial_number,
                                 any_handler<empty> handler) {
  start_serial_operation(core, "decommission_device", std::move(serial_number), std::move(handler));
}

void start_fetch_event_status(std::shared_ptr<client_core> core, std::string terminal_id,
                              std::string event_id, any_handler<event_status> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler, "terminal_id", terminal_id) ||
      refuse(*core, handler, "event_id", event_id))
    return;
  auto target =
      core->target().literal("terminal").segment(terminal_id).literal("event").segment(event_id);
  run_operation<event_status>(*core,
                              core->make_request(http_method::get, std::move(target).str(), {}),
                              retry_class::idempotent, std::move(handler));
}

void start_fetch_terminal(std::shared_ptr<client_core> core, std::string terminal_id,
                          any_handler<terminal> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  auto target = core->target().literal("terminal").segment(terminal_id);
  run_operation<terminal>(*core, core->make_request(http_method::get, std::move(target).str(), {}),
                          retry_class::idempotent, std::move(handler));
}

void start_fetch_terminal_status(std::shared_ptr<client_core> core, std::string terminal_id,
                                 any_handler<terminal_status> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, "terminal_id", terminal_id))
    return;
  auto target = core->target().literal("terminal").segment(terminal_id).literal("presence");
  run_operation<terminal_status>(*core,
                                 core->make_request(http_method::get, std::move(target).str(), {}),
                                 retry_class::idempotent, std::move(handler));
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
    if (*c && c->value().size() > 1024) {
      detail = "cursor is longer than 1024 characters";
      return false;
    }
  }
  return true;
}

std::string list_target(const client_core& core, const list_terminals_params& p) {
  auto t = core.target().literal("terminal");
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
  run_operation<std::vector<terminal>>(
      *core, core->make_request(http_method::get, list_target(*core, params), {}),
      retry_class::idempotent, std::move(handler));
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
  auto target = core->target().literal("terminal").segment(terminal_id).literal("event");
  run_operation<event_ack>(
      *core,
      core->make_request(http_method::post, std::move(target).str(), boost::json::serialize(body)),
      retry_class::unsafe, std::move(handler));
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
  auto target = core->target().literal("terminal").segment(terminal_id);
  run_operation<empty>(
      *core,
      core->make_request(http_method::put, std::move(target).str(), boost::json::serialize(body)),
      retry_class::idempotent, std::move(handler));
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

}  // namespace paystack
