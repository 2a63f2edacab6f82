// paystack::sim::server: ties the engine, the HTTP front end and the background thread together.
#include "paystack/sim/server.hpp"

#include <mutex>
#include <stdexcept>

#include "background.hpp"
#include "engine.hpp"
#include "http_server.hpp"

namespace paystack::sim {

struct server::impl {
  server_options options;
  detail::background bg;  // before engine: the engine's hooks post to it
  detail::engine eng;
  detail::http_server http;
  std::mutex lifecycle;
  bool started = false;
  std::uint16_t port = 0;

  explicit impl(server_options o)
      : options(std::move(o)),
        bg(options),
        eng(options,
            detail::engine::hooks{
                [this](std::chrono::milliseconds d, std::function<void()> fn) {
                  bg.schedule(d, std::move(fn));
                },
                [this](std::uint64_t gen, std::uint64_t id, std::string body, std::string sig) {
                  bg.send(gen, id, std::move(body), std::move(sig));
                }}),
        http(eng, options),
        port(options.port) {
    bg.attach(eng);
  }
};

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

server::~server() {
  stop();
}

void server::start() {
  std::lock_guard lk(impl_->lifecycle);
  if (impl_->started) throw std::logic_error("paystack::sim::server already started");
  impl_->port = impl_->http.start();
  impl_->eng.set_base_url(base_url());
  impl_->bg.start();
  impl_->started = true;
}

void server::stop() noexcept {
  std::lock_guard lk(impl_->lifecycle);
  impl_->http.stop();
  impl_->bg.stop();
}

std::uint16_t server::port() const noexcept {
  return impl_->port;
}

std::string server::base_url() const {
  const auto& host = impl_->options.bind_address;
  bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port());
}

const server_options& server::options() const noexcept {
  return impl_->options;
}

std::vector<std::string> server::terminal_ids() const {
  return impl_->eng.terminal_ids();
}

std::vector<std::string> server::device_serials() const {
  return impl_->eng.device_serials();
}

std::optional<std::string> server::serial_of(std::string_view terminal_id) const {
  return impl_->eng.serial_of(terminal_id);
}

std::string server::add_terminal(std::string name) {
  return impl_->eng.add_terminal(std::move(name));
}

std::string server::add_device() {
  return impl_->eng.add_device();
}

control_result server::set_presence(std::string_view terminal_id, bool online, bool available) {
  return impl_->eng.set_presence(terminal_id, online, available);
}

control_result server::deliver_event(std::string_view event_id) {
  return impl_->eng.deliver_event(event_id);
}

control_result server::hold_event(std::string_view event_id) {
  return impl_->eng.hold_event(event_id);
}

control_result server::approve_payment(std::string_view id_or_code) {
  return impl_->eng.approve_payment(id_or_code);
}

control_result server::decline_payment(std::string_view id_or_code) {
  return impl_->eng.decline_payment(id_or_code);
}

control_result server::walk_away(std::string_view id_or_code) {
  return impl_->eng.walk_away(id_or_code);
}

control_result server::pay_offline(std::string_view offline_reference) {
  return impl_->eng.pay_offline(offline_reference);
}

void server::add_fault(std::string id, std::string spec, unsigned times) {
  impl_->eng.add_fault(std::move(id), std::move(spec), times);
}

std::vector<webhook_delivery> server::webhook_log() const {
  return impl_->eng.webhook_log();
}

bool server::wait_for_webhooks(std::size_t count, std::chrono::milliseconds timeout) const {
  return impl_->eng.wait_for_webhooks(count, timeout);
}

void server::reset() {
  impl_->eng.reset();
}

}  // namespace paystack::sim
