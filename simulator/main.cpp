// paystack-sim: run the Paystack Terminal API simulator until SIGINT/SIGTERM.
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "paystack/sim/server.hpp"

namespace {

constexpr std::string_view usage = R"(paystack-sim: a local simulator of Paystack's Terminal API

Usage: paystack-sim [options]

  --port N               TCP port (default 7000; 0 = ephemeral)
  --bind ADDRESS         listen address (default 127.0.0.1)
  --secret-key KEY       the accepted secret key (default: $PAYSTACK_SIM_SECRET_KEY, else
                         sk_test_simulator); never printed
  --webhook-url URL      POST webhooks here (http://host:port/path); default: none
  --seed N               random seed behind every generated id (default 1)
  --terminals N          commissioned demo terminals at start (default 3, at most 1000000)
  --devices N            debug devices waiting to be commissioned (default 2)
  --latency MS           added to every response (default 0, at most 3600000)
  --rate-limit N         requests per 60 s (default: unlimited; Paystack test mode is 100)
  --delivery-delay MS|manual   push -> device picks it up (default 500, at most 3600000)
  --auto-pay-delay MS|manual   delivered invoice -> customer pays (default 3000, at most 3600000)
  --refund-delay MS|manual     between refund steps pending/processing/processed (default 2000)
  --webhook-time-scale X       multiplies Paystack's hourly retry interval (default 1/3600)
  --max-connections-per-source N  connections one client address may hold (default 1024)
  --no-ui                do not serve the live page /_sim/ui (served by default)
  --version              print the version and exit
  -h, --help             this text

Control API under /_sim/ and the x-sim-fault header: see doc/simulator.md.
)";

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  paystack::sim::server_options o;
  o.port = 7000;
  if (const char* key = std::getenv("PAYSTACK_SIM_SECRET_KEY"); key != nullptr && *key != '\0') {
    o.secret_key = key;
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) {
        std::cerr << "paystack-sim: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    auto bad = [&](std::string_view what) {
      std::cerr << "paystack-sim: invalid value for " << what << "\n";
      std::exit(2);
    };
    if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else if (arg == "--version") {
      // The project version (CMakeLists.txt), passed in by simulator/CMakeLists.txt.
      std::cout << "paystack-sim " << PAYSTACK_SIM_VERSION << '\n';
      return 0;
    } else if (arg == "--no-ui") {
      o.ui = false;
    } else if (arg == "--port") {
      auto v = number<std::uint16_t>(value());
      if (!v) bad(arg);
      o.port = *v;
    } else if (arg == "--bind") {
      o.bind_address = value();
    } else if (arg == "--secret-key") {
      o.secret_key = value();
    } else if (arg == "--webhook-url") {
      o.webhook_url = value();
    } else if (arg == "--seed") {
      auto v = number<std::uint64_t>(value());
      if (!v) bad(arg);
      o.seed = *v;
    } else if (arg == "--terminals") {
      auto v = number<std::size_t>(value());
      if (!v || *v > 1000000) bad(arg);
      o.seed_terminals = *v;
    } else if (arg == "--devices") {
      auto v = number<std::size_t>(value());
      if (!v || *v > 1000000) bad(arg);
      o.seed_devices = *v;
    } else if (arg == "--latency") {
      auto v = number<std::int64_t>(value());
      if (!v || *v < 0 || *v > paystack::sim::max_option_delay.count()) bad(arg);
      o.latency = std::chrono::milliseconds{*v};
    } else if (arg == "--rate-limit") {
      auto v = number<unsigned>(value());
      if (!v || *v == 0) bad(arg);
      o.rate_limit = *v;
    } else if (arg == "--delivery-delay") {
      if (!paystack::sim::parse_delay_option(value(), o.delivery_delay)) bad(arg);
    } else if (arg == "--auto-pay-delay") {
      if (!paystack::sim::parse_delay_option(value(), o.auto_pay_delay)) bad(arg);
    } else if (arg == "--refund-delay") {
      if (!paystack::sim::parse_delay_option(value(), o.refund_delay)) bad(arg);
    } else if (arg == "--max-connections-per-source") {
      auto v = number<std::size_t>(value());
      if (!v || *v == 0 || *v > 1000000) bad(arg);
      o.max_connections_per_source = *v;
    } else if (arg == "--webhook-time-scale") {
      auto v = std::string(value());
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(d > 0)) bad(arg);
      o.webhook_time_scale = d;
    } else {
      std::cerr << "paystack-sim: unknown option " << arg << " (see --help)\n";
      return 2;
    }
  }
  if (o.secret_key.rfind("sk_", 0) != 0) {
    std::cerr << "paystack-sim: the secret key must look like sk_test_... or sk_live_...\n";
    return 2;
  }

  return paystack::sim::run_until_signal(o, std::cout, std::cerr);
}
