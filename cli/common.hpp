// paystack-terminal: the layer every subcommand shares: global options, configuration, running
// one asynchronous operation with Ctrl-C, output (tables, raw JSON) and exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <paystack/metrics_server.hpp>
#include <paystack/paystack.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "output_filter.hpp"

namespace cli {

/// "HOST:PORT" or "[V6]:PORT" (an IP address); std::nullopt when ill-formed.
std::optional<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);

/// --metrics-listen: starts `server` on `listen` (nothing when empty) and says where. Set: the
/// exit code (2: not HOST:PORT, 3: cannot listen), said why.
std::optional<int> start_metrics(const std::string& listen, boost::asio::io_context& ioc,
                                 std::optional<paystack::metrics_server>& server);

/// Documented exit codes (doc/cli.md).
enum exit_code : int {
  exit_ok = 0,            ///< done
  exit_api = 1,           ///< the API said no (status:false, 4xx/5xx), or a charge not paid
  exit_usage = 2,         ///< bad flag, missing value, configuration: nothing was sent
  exit_network = 3,       ///< network, TLS, timeout, unusable reply
  exit_interrupted = 130  ///< SIGINT/SIGTERM (Ctrl-C): the operation was cancelled
};

/// Options every command accepts (before or after the subcommand name).
struct global_options {
  std::string secret_key;                     ///< --secret-key / PAYSTACK_SECRET_KEY; never printed
  std::string base_url;                       ///< --base-url / PAYSTACK_BASE_URL
  std::chrono::milliseconds timeout{30'000};  ///< --timeout
  bool timeout_set = false;                   ///< --timeout was given
  bool json = false;                          ///< --json
  bool verbose = false;                       ///< --verbose
  double rate_budget = 0;                     ///< --rate-budget: requests per minute (0: no budget)
};

/// Shared state of one run: options, and the action the chosen subcommand set.
struct context {
  global_options opts;
  std::function<int()> action;
};

/// Parses "30", "30s", "500ms", "2m" (a bare number is seconds). std::nullopt when invalid.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Checks an integer option's text before CLI11 converts it: decimal digits with an optional
/// leading '-', within [min, max]. Refused (exit 2, nothing sent): a value beyond 64 bits (which
/// CLI11's own conversion would clamp to 9223372036854775807), hex or octal, a sign alone, a
/// fraction, blanks. The error names the range.
CLI::Validator integer_in(std::int64_t min, std::int64_t max);
/// The check of --rate-budget: 0 (no budget), or from `min_rate_budget` to 1,000,000 requests per
/// minute, finite. A smaller budget cannot work: its bucket never holds the token a housekeeping
/// call (the presence check) needs beside its reserve, so every charge would fail.
inline constexpr double min_rate_budget = 2;
CLI::Validator rate_budget_check();
/// integer_in(1, INT64_MAX), shown as POSITIVE in the help.
CLI::Validator positive_integer();
/// The same for a decimal number (a fraction or exponent allowed): finite (no nan, inf) and
/// within [min, max].
CLI::Validator number_in(double min, double max);
/// Gives every numeric option of `app` and of its subcommands (CLI11's type names INT, UINT and
/// FLOAT) the strict check of its type: an integer within 64 bits (UINT: not negative), a finite
/// number. A safety net under each option's own integer_in/number_in: no numeric option is ever
/// clamped. Call once, after every option is added.
void make_numbers_strict(CLI::App& app);

/// Adds `--timeout` to `app` (the global option, or a command's own), storing into `target`.
CLI::Option* add_timeout_option(CLI::App& app, std::chrono::milliseconds& target, bool& given,
                                std::string description);

/// Builds the client configuration from the global options. Prints why and returns
/// std::nullopt (exit code 2) without a usable secret key; explains how to get one, or to run
/// `demo` / `sim`.
std::optional<paystack::client_options> make_client_options(const global_options& g);

/// False (after printing why) when `client` cannot be used: a bad or insecure base URL.
bool check_configuration(const paystack::terminal_client& client);

/// The client's logger: a stderr line per warning (a weakened security check, e.g. SSL_CERT_FILE
/// replacing the trust store), and with `attempts` (--verbose) one per HTTP attempt (method,
/// path, status, attempt, elapsed). Never sees the key (log_record has none).
std::function<void(const paystack::log_record&)> make_logger(bool attempts);

/// "yes" / "no".
inline std::string yes_no(bool b) {
  return b ? "yes" : "no";
}
/// The optional's value, or "-".
std::string or_dash(const std::optional<std::string>& s);

/// Prints rows under a header, columns separated by two spaces (last column unpadded). Cells are
/// server text (server_text()).
void print_table(std::ostream& os, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
/// Prints "key: value" lines with aligned values.
void print_fields(std::ostream& os, const std::vector<std::pair<std::string, std::string>>& fields);

/// Prints a raw reply body as one line of stdout: as received, but line breaks become spaces,
/// control characters are dropped (server_text()) and trailing blanks cut.
void print_raw(std::string_view body);
/// Prints a JSON document as exactly one line of stdout: its line breaks, which JSON allows only
/// as whitespace between tokens, become spaces; every other byte is printed as received.
void print_json_line(std::string_view json);

/// Amount in subunits with its currency, e.g. "NGN 50.00".
std::string format_amount(std::int64_t subunits, std::string_view currency);

/// The optional's value as JSON, or null (for the JSON Lines of `--all`).
template <class T>
boost::json::value json_or_null(const std::optional<T>& v) {
  if (v) return boost::json::value(*v);
  return boost::json::value(nullptr);
}

/// One terminal as a JSON object (the model's fields, fixed order; null when absent).
std::string terminal_json_line(const paystack::terminal& t);

/// One human line about a webhook event: its name and what identifies it (reference, amount,
/// payment request, terminal).
std::string describe_webhook(const paystack::webhook_event& e);

/// What an error reply or error_code means for the user; prints the diagnostic to stderr and
/// returns the exit code. `interrupted`: Ctrl-C was pressed.
int report_failure(const global_options& g, boost::system::error_code ec, unsigned status_code,
                   std::string_view message, const std::optional<std::string>& code,
                   const std::optional<std::string>& type,
                   const std::optional<std::string>& next_step, std::string_view error_detail,
                   std::string_view raw_body, bool interrupted);

/// Runs one asynchronous operation on `ioc` until it completes, cancelling it on the first
/// SIGINT/SIGTERM (a second one exits at once with 130). `init` receives a completion handler
/// (bound to the cancellation slot) of signature void(error_code, R).
/// Returns the completion's arguments; sets `interrupted` when a signal was received.
template <class R, class Init>
std::pair<boost::system::error_code, R> run_cancellable(boost::asio::io_context& ioc, Init init,
                                                        bool& interrupted) {
  namespace asio = boost::asio;
  asio::cancellation_signal cancel;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  std::optional<std::pair<boost::system::error_code, R>> result;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (interrupted) std::_Exit(exit_interrupted);  // second Ctrl-C: give up at once
        interrupted = true;
        cancel.emit(asio::cancellation_type::terminal);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  init(asio::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec, R r) {
    result.emplace(ec, std::move(r));
    boost::system::error_code ignored;
    signals.cancel(ignored);
  }));
  while (!result && ioc.run_one() != 0) {
  }
  signals.cancel();
  // Let the cancelled signal wait finish while its captures are still alive.
  ioc.restart();
  ioc.poll();
  if (!result) return {make_error_code(asio::error::operation_aborted), R{}};
  return std::move(*result);
}

/// Runs a terminal_client operation and reports its reply: --json prints the raw envelope,
/// otherwise (or when !raw_json) `human` prints the ok() reply. Returns the exit code.
template <class T, class Start>
int run_operation(const global_options& g, Start start,
                  const std::function<void(const paystack::response<T>&)>& human,
                  bool raw_json = true) {
  auto options = make_client_options(g);
  if (!options) return exit_usage;
  boost::asio::io_context ioc;
  int code = exit_ok;
  {
    paystack::terminal_client client(ioc.get_executor(), *options);
    if (!check_configuration(client)) return exit_usage;
    bool interrupted = false;
    auto [ec, r] = run_cancellable<paystack::response<T>>(
        ioc, [&](auto handler) { start(client, std::move(handler)); }, interrupted);
    if (ec || !r.ok()) {
      code = report_failure(g, ec, r.status_code, r.message, r.code, r.type, r.next_step,
                            r.error_detail, r.raw_body, interrupted);
    } else if (g.json && raw_json) {
      print_raw(r.raw_body);
    } else {
      human(r);
    }
  }
  ioc.restart();
  ioc.poll();  // let the closed connections finish
  return code;
}

/// How a list command prints its items: table header and rows, the JSON line of `--all --json`,
/// and the item's noun ("terminal", "terminals").
template <class Item>
struct listing {
  std::vector<std::string> header;
  std::function<std::vector<std::string>(const Item&)> row;
  std::function<std::string(const Item&)> json_line;
  std::string one, many;
};

/// Prints one page of a list reply: its table, or "No <many> on this page.".
template <class Item>
void print_page(const listing<Item>& how, const std::vector<Item>& items) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : items) rows.push_back(how.row(item));
  if (rows.empty()) {
    std::cout << "No " << how.many << " on this page.\n";
  } else {
    print_table(std::cout, how.header, rows);
  }
}

/// Prints where a list page sits: "page P of N (T <one or many>)" for page-number lists, and the
/// `--next` / `--previous` cursors for cursor lists.
void print_paging(const paystack::page_meta& m, std::string_view one, std::string_view many);

/// Runs a walk over every page (`--all`): `start(client, visit, handler)` starts the library's
/// async_for_each_*. With --json one JSON line per item as it comes (JSON Lines), otherwise one
/// table at the end and "N <many> (P pages)". Returns the exit code.
template <class Item, class Start>
int run_walk(const global_options& g, const listing<Item>& how, Start start) {
  auto rows = std::make_shared<std::vector<std::vector<std::string>>>();
  const bool json = g.json;
  std::function<bool(const Item&)> visit = [rows, json, &how](const Item& item) {
    if (json) {
      std::cout << how.json_line(item) << '\n' << std::flush;
    } else {
      rows->push_back(how.row(item));
    }
    return true;
  };
  return run_operation<paystack::walk_summary>(
      g, [&](paystack::terminal_client& c, auto handler) { start(c, visit, std::move(handler)); },
      [rows, json, &how](const paystack::response<paystack::walk_summary>& r) {
        if (json) return;
        if (rows->empty()) {
          std::cout << "No " << how.many << ".\n";
        } else {
          print_table(std::cout, how.header, *rows);
        }
        std::cout << r.data->visited << ' ' << (r.data->visited == 1 ? how.one : how.many) << " ("
                  << r.data->pages << (r.data->pages == 1 ? " page" : " pages") << ")\n";
      },
      /*raw_json=*/false);
}

// Subcommands (one file each under commands/).
void add_commission_commands(CLI::App& app, context& ctx);  // commission, decommission
void add_list_command(CLI::App& app, context& ctx);
void add_fetch_command(CLI::App& app, context& ctx);
void add_status_command(CLI::App& app, context& ctx);
void add_update_command(CLI::App& app, context& ctx);
void add_send_event_command(CLI::App& app, context& ctx);
void add_event_status_command(CLI::App& app, context& ctx);
void add_charge_command(CLI::App& app, context& ctx);
void add_sim_command(CLI::App& app, context& ctx);
void add_demo_command(CLI::App& app, context& ctx);
void add_webhooks_command(CLI::App& app, context& ctx);
void add_charges_command(CLI::App& app, context& ctx);  // charges list|show|resume|reconcile

/// Adds `--store PATH` (env PAYSTACK_CHARGE_STORE) storing into `target`.
CLI::Option* add_store_option(CLI::App& app, std::string& target);

/// With --rate-budget: gives `o` a rate budget of that many requests per minute, named after the
/// key's mode ("test" or "live"): the store's shared one (PostgreSQL: the whole fleet's), else
/// one for this process; every call at `priority` when given (a reconciler: housekeeping).
void use_rate_budget(const global_options& g, paystack::client_options& o,
                     boost::asio::any_io_executor ex,
                     const std::shared_ptr<paystack::charge_store>& store,
                     std::optional<paystack::call_priority> priority = std::nullopt);

/// Adds `--wait-for-terminal` (charge_params::wait_for_terminal) storing into `target`.
CLI::Option* add_wait_for_terminal_flag(CLI::App& app, bool& target);

/// Opens the charge store `url` on `ioc`; prints why and returns null when it cannot (exit 2).
/// A SQLite file that does not exist is created only with `create` (commands that start new
/// work: charge, webhooks listen); the others refuse it, so that a mistyped path is not an empty
/// store in which nothing is found to resume or reconcile.
std::shared_ptr<paystack::charge_store> open_store(boost::asio::io_context& ioc,
                                                   const std::string& url, bool create = false);

/// Runs a store operation on `ioc` to completion; returns its arguments.
/// The result lives in a shared_ptr: a handler that runs later (after an abort) writes to it,
/// never to a dead frame; a stopped `ioc` (after run_cancellable) is restarted first.
template <class R, class Start>
std::pair<boost::system::error_code, R> run_store(boost::asio::io_context& ioc, Start start) {
  auto out = std::make_shared<std::optional<std::pair<boost::system::error_code, R>>>();
  if (ioc.stopped()) ioc.restart();
  start([out](boost::system::error_code ec, R r) { out->emplace(ec, std::move(r)); });
  while (!*out && ioc.run_one() != 0) {
  }
  ioc.restart();
  if (!*out) return {make_error_code(boost::asio::error::operation_aborted), R{}};
  return std::move(**out);
}

/// Reports a failed store operation; exit_usage.
int store_failed(boost::system::error_code ec);

void add_leases_command(CLI::App& app, context& ctx);            // leases list|release
void add_payment_request_commands(CLI::App& app, context& ctx);  // payment-request ...
void add_virtual_terminal_command(CLI::App& app, context& ctx);  // virtual-terminal ...
void add_transaction_command(CLI::App& app, context& ctx);  // transaction list|fetch|verify|totals
void add_refund_command(CLI::App& app, context& ctx);       // refund create|list|fetch|retry
void add_refunds_command(CLI::App& app, context& ctx);      // refunds list|show|resume (a store's)
/// refund create --key --store: the exactly-once refund (commands/refunds.cpp). Exit code.
int create_keyed_refund(context& ctx, paystack::refund_params params, const std::string& store);
void add_settlement_command(CLI::App& app, context& ctx);  // settlement list|transactions
/// transaction export|timeline (commands/transaction_export.cpp), added to the transaction group.
void add_transaction_after_sale_commands(CLI::App& transaction, context& ctx);
/// report --date --store: the end-of-day report (commands/report.cpp, day_report.hpp).
void add_report_command(CLI::App& app, context& ctx);

}  // namespace cli
