// sim: run the simulator in the foreground (the options of paystack-sim).
#include <paystack/sim/server.hpp>

#include "common.hpp"

namespace cli {
namespace {

/// Sets `target` from "manual" (nullopt: only through the control API) or milliseconds.
std::function<void(const std::string&)> delay_setter(
    std::optional<std::chrono::milliseconds>& target, std::string name) {
  return [&target, name](const std::string& text) {
    if (!paystack::sim::parse_delay_option(text, target)) {
      throw CLI::ValidationError(name, "expected milliseconds (0 to " +
                                           std::to_string(paystack::sim::max_option_delay.count()) +
                                           ") or 'manual', got '" + text + "'");
    }
  };
}

}  // namespace

void add_sim_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "sim", "Run a local Paystack Terminal API simulator in the foreground (paystack-sim)");
  auto o = std::make_shared<paystack::sim::server_options>();
  o->port = 7000;
  sub->add_option("--port", o->port, "TCP port (0: ephemeral)")
      ->check(integer_in(0, 65535))
      ->capture_default_str();
  sub->add_option("--bind", o->bind_address, "listen address")->capture_default_str();
  sub->add_option("--webhook-url", o->webhook_url,
                  "POST signed webhooks here (http://host:port/path)");
  sub->add_option("--seed", o->seed, "random seed behind every generated id")
      ->capture_default_str();
  sub->add_option("--terminals", o->seed_terminals, "commissioned demo terminals at start")
      ->check(integer_in(0, 1'000'000))
      ->capture_default_str();
  sub->add_option("--devices", o->seed_devices, "debug devices waiting to be commissioned")
      ->check(integer_in(0, 1'000'000))
      ->capture_default_str();
  sub->add_option_function<std::int64_t>(
         "--latency", [o](std::int64_t ms) { o->latency = std::chrono::milliseconds{ms}; },
         "milliseconds added to every response (default 0)")
      ->check(integer_in(0, paystack::sim::max_option_delay.count()));
  sub->add_option_function<unsigned>(
         "--rate-limit", [o](unsigned n) { o->rate_limit = n; },
         "requests per 60 s (default: unlimited; Paystack test mode allows 100)")
      ->check(integer_in(1, 1'000'000));
  sub->add_option_function<std::string>("--delivery-delay",
                                        delay_setter(o->delivery_delay, "--delivery-delay"),
                                        "push -> the device picks it up: MS or 'manual' "
                                        "(default 500)");
  sub->add_option_function<std::string>("--auto-pay-delay",
                                        delay_setter(o->auto_pay_delay, "--auto-pay-delay"),
                                        "delivered invoice -> the customer pays: MS or 'manual' "
                                        "(default 3000)");
  sub->add_option_function<std::string>("--refund-delay",
                                        delay_setter(o->refund_delay, "--refund-delay"),
                                        "between the steps of a refund (pending, processing, "
                                        "processed): MS or 'manual' (default 2000)");
  sub->add_flag_function(
      "--no-ui", [o](std::int64_t) { o->ui = false; },
      "do not serve the live page /_sim/ui (every terminal's screen and the customer's buttons)");
  sub->add_option("--webhook-time-scale", o->webhook_time_scale,
                  "multiplies Paystack's hourly webhook retry interval (default 1/3600)")
      ->check(number_in(1e-9, 1e9));
  sub->footer(
      "The simulator accepts the key given with --secret-key / PAYSTACK_SECRET_KEY when it is a\n"
      "test key (sk_test_...), otherwise sk_test_simulator. Control API and faults:\n"
      "doc/simulator.md. Open http://127.0.0.1:7000/_sim/ui in a browser to see every\n"
      "terminal's screen and act as the customer (pay, decline, walk away).\n\n"
      "Example:\n"
      "  paystack-terminal sim --port 7000 &\n"
      "  paystack-terminal --base-url http://127.0.0.1:7000 --secret-key sk_test_simulator list");
  sub->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      if (ctx.opts.secret_key.rfind("sk_test_", 0) == 0) {
        o->secret_key = ctx.opts.secret_key;
      } else if (!ctx.opts.secret_key.empty()) {
        std::cerr << "paystack-terminal: the simulator takes test keys only; it accepts "
                     "sk_test_simulator\n";
      }
      return paystack::sim::run_until_signal(*o, std::cout, std::cerr) == 0 ? exit_ok
                                                                            : exit_network;
    };
  });
}

}  // namespace cli
