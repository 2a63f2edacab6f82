// paystack-terminal: what `charge` and `demo` share: running async_charge_on_terminal with
// Ctrl-C, showing its progress (live on a terminal, plain lines otherwise) and its result.
#pragma once

#include <memory>
#include <ostream>

#include "common.hpp"

namespace cli {

/// Shows charge progress on `os`. On a TTY (`live`), poll updates rewrite the current line;
/// otherwise every update is its own line. Copyable (shared state) so it fits in
/// charge_params::on_progress.
class progress_printer {
 public:
  progress_printer(std::ostream& os, bool live, std::string indent = "  ");
  void operator()(const paystack::charge_progress& p) const;
  /// Ends a line left open by live updates.
  void finish() const;

 private:
  struct state;
  std::shared_ptr<state> s_;
};

/// Runs the charge on `ioc` (Ctrl-C cancels it; `interrupted` tells). Completion arguments.
std::pair<boost::system::error_code, paystack::charge_result> run_charge(
    boost::asio::io_context& ioc, const paystack::terminal_client& client,
    const std::string& terminal_id, paystack::charge_params params, bool& interrupted);

/// Human summary of a charge (stdout).
void print_charge_result(std::ostream& os, const std::string& terminal_id,
                         boost::system::error_code ec, const paystack::charge_result& r,
                         const std::string& indent = "");
/// The charge as one JSON object (for --json).
std::string charge_result_json(const std::string& terminal_id, boost::system::error_code ec,
                               const paystack::charge_result& r);
/// Exit code of a charge: paid 0; declined, offline, busy, refused by Paystack 1; invalid
/// arguments 2; not delivered, timed out, network 3; interrupted 130.
int charge_exit_code(boost::system::error_code ec, const paystack::charge_result& r,
                     bool interrupted);

/// True when the file descriptor is a terminal (and TERM is not "dumb").
bool is_tty(int fd);

}  // namespace cli
