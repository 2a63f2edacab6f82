// paystack::sim::run_until_signal and parse_delay_option: the foreground mode and option
// reading shared by paystack-sim and `paystack-terminal sim`.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <exception>
#include <ostream>

#include "paystack/sim/server.hpp"

namespace paystack::sim {

bool parse_delay_option(std::string_view text, std::optional<std::chrono::milliseconds>& out) {
  if (text == "manual") {
    out.reset();
    return true;
  }
  std::int64_t ms = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc{} || p != text.data() + text.size() || ms < 0 ||
      ms > max_option_delay.count())
    return false;
  out = std::chrono::milliseconds{ms};
  return true;
}

int run_until_signal(const server_options& options, std::ostream& out, std::ostream& err) {
  try {
    // The signal set exists before the server starts, so an early Ctrl-C is not lost.
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);
    server sim(options);
    sim.start();
    out << "paystack-sim listening on " << sim.base_url() << "\n";
    for (const auto& id : sim.terminal_ids()) {
      out << "  terminal " << id << " (serial " << sim.serial_of(id).value_or("?") << ")\n";
    }
    for (const auto& serial : sim.device_serials()) {
      out << "  debug device waiting to be commissioned: " << serial << "\n";
    }
    if (!options.webhook_url.empty()) out << "  webhooks -> " << options.webhook_url << "\n";
    if (options.ui) out << "  live page: " << sim.base_url() << "/_sim/ui\n";
    out << "Press Ctrl-C to stop.\n" << std::flush;
    signals.async_wait([&](const boost::system::error_code&, int signo) {
      out << "paystack-sim: signal " << signo << ", shutting down\n" << std::flush;
    });
    signals_ioc.run();
    sim.stop();
    out << "paystack-sim: stopped\n" << std::flush;
    return 0;
  } catch (const std::exception& e) {
    err << "paystack-sim: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace paystack::sim
