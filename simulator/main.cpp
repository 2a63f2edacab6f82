// paystack-sim: run the Paystack Terminal API simulator until SIGINT/SIGTERM.
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
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

/// The command line, read one option at a time; a value that is missing or invalid ends the
/// process with exit status 2.
class arguments {
 public:
  arguments(int argc, char** argv) : argc_(argc), argv_(argv) {}

  /// The next option, or nullopt after the last one.
  std::optional<std::string_view> next() {
    if (++i_ >= argc_) return std::nullopt;
    option_ = argv_[i_];
    return option_;
  }

  /// The value of the current option.
  std::string_view value() {
    if (i_ + 1 >= argc_) {
      std::cerr << "paystack-sim: " << option_ << " needs a value\n";
      std::exit(2);
    }
    return argv_[++i_];
  }

  /// The value of the current option as a T in [min, max].
  template <typename T>
  T number_in(T min, T max) {
    auto v = number<T>(value());
    if (!v || *v < min || *v > max) bad();
    return *v;
  }

  [[noreturn]] void bad() const {
    std::cerr << "paystack-sim: invalid value for " << option_ << "\n";
    std::exit(2);
  }

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string_view option_;
};

/// Applies `arg` if it is an option of the server's identity and capacity (port, address, keys,
/// seeding, limits); false if it is not one of them.
bool apply_server_option(std::string_view arg, arguments& in, paystack::sim::server_options& o) {
  if (arg == "--no-ui") {
    o.ui = false;
  } else if (arg == "--port") {
    o.port = in.number_in<std::uint16_t>(0, UINT16_MAX);
  } else if (arg == "--bind") {
    o.bind_address = in.value();
  } else if (arg == "--secret-key") {
    o.secret_key = in.value();
  } else if (arg == "--webhook-url") {
    o.webhook_url = in.value();
  } else if (arg == "--seed") {
    o.seed = in.number_in<std::uint64_t>(0, UINT64_MAX);
  } else if (arg == "--terminals") {
    o.seed_terminals = in.number_in<std::size_t>(0, 1000000);
  } else if (arg == "--devices") {
    o.seed_devices = in.number_in<std::size_t>(0, 1000000);
  } else if (arg == "--max-connections-per-source") {
    o.max_connections_per_source = in.number_in<std::size_t>(1, 1000000);
  } else {
    return false;
  }
  return true;
}

/// Applies `arg` if it is an option of timing (latency, rate limit, the simulated delays, the
/// webhook retry scale); false if it is not one of them.
bool apply_timing_option(std::string_view arg, arguments& in, paystack::sim::server_options& o) {
  if (arg == "--latency") {
    o.latency = std::chrono::milliseconds{
        in.number_in<std::int64_t>(0, paystack::sim::max_option_delay.count())};
  } else if (arg == "--rate-limit") {
    o.rate_limit = in.number_in<unsigned>(1, UINT_MAX);
  } else if (arg == "--delivery-delay") {
    if (!paystack::sim::parse_delay_option(in.value(), o.delivery_delay)) in.bad();
  } else if (arg == "--auto-pay-delay") {
    if (!paystack::sim::parse_delay_option(in.value(), o.auto_pay_delay)) in.bad();
  } else if (arg == "--refund-delay") {
    if (!paystack::sim::parse_delay_option(in.value(), o.refund_delay)) in.bad();
  } else if (arg == "--webhook-time-scale") {
    auto v = std::string(in.value());
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' || !(d > 0)) in.bad();
    o.webhook_time_scale = d;
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  paystack::sim::server_options o;
  o.port = 7000;
  if (const char* key = std::getenv("PAYSTACK_SIM_SECRET_KEY"); key != nullptr && *key != '\0') {
    o.secret_key = key;
  }
  arguments in(argc, argv);
  while (auto next = in.next()) {
    const std::string_view arg = *next;
    if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    }
    if (arg == "--version") {
      // The project version (CMakeLists.txt), passed in by simulator/CMakeLists.txt.
      std::cout << "paystack-sim " << PAYSTACK_SIM_VERSION << '\n';
      return 0;
    }
    if (!apply_server_option(arg, in, o) && !apply_timing_option(arg, in, o)) {
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
