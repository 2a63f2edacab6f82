// paystack-bench: a closed-loop load generator for paystack::terminal_client.
//
// Drives the public client API against any base URL (a paystack-sim, nginx serving canned
// replies, ...) or against an embedded paystack::sim::server running on its own threads.
// The client runs on one io_context thread (this thread). `--concurrency` calls are kept in
// flight; each completion records its latency and starts the next call until `--requests`
// calls were started. Every call must complete exactly once; a call that completes with an
// error_code or with !ok() counts as an error.
//
// Output: one human-readable line, then one JSON line (see doc/performance.md).
//
//   PAYSTACK_SECRET_KEY=sk_test_simulator paystack-bench --base-url http://127.0.0.1:7000
//       --operation fetch-terminal --requests 200000 --concurrency 64 --connections 64
//   paystack-bench --embedded-sim --operation walk --sim-terminals 100000 --per-page 100
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <paystack/paystack.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifdef PAYSTACK_BENCH_HAVE_SIM
#include <paystack/sim/server.hpp>
#endif

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using boost::system::error_code;

// ---- process measurements -------------------------------------------------------------------

/// A field of /proc/self/status in KiB (VmRSS, VmHWM), or 0.
long proc_status_kib(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size(), field) == 0 && line.size() > field.size() &&
        line[field.size()] == ':') {
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return 0;
}

std::chrono::microseconds to_us(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

/// User + system CPU time of the process (who = RUSAGE_SELF) or of this thread (RUSAGE_THREAD).
std::chrono::microseconds cpu_time(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return to_us(ru.ru_utime) + to_us(ru.ru_stime);
}

/// System (kernel) CPU time of the process.
std::chrono::microseconds sys_time() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return to_us(ru.ru_stime);
}

// ---- configuration --------------------------------------------------------------------------

enum class operation { fetch_terminal, status, list, send_event, walk };

struct config {
  std::string base_url;
  operation op = operation::fetch_terminal;
  std::string terminal_id;
  std::size_t requests = 10000;
  std::size_t concurrency = 64;
  std::size_t connections = 64;
  std::size_t warmup = 0;
  unsigned max_attempts = 1;
  int per_page = 50;
  long timeout_ms = 60000;
  bool embedded_sim = false;
  std::size_t sim_terminals = 3;
  std::optional<std::size_t> expect_terminals;
};

const std::map<std::string, operation>& operation_names() {
  static const std::map<std::string, operation> m{{"fetch-terminal", operation::fetch_terminal},
                                                  {"status", operation::status},
                                                  {"list", operation::list},
                                                  {"send-event", operation::send_event},
                                                  {"walk", operation::walk}};
  return m;
}

std::string_view name_of(operation op) {
  for (const auto& [name, o] : operation_names())
    if (o == op) return name;
  return "?";
}

// ---- the load loop --------------------------------------------------------------------------

/// What one phase (warm-up or measurement) produced.
struct phase_result {
  std::size_t started = 0;
  std::size_t completed = 0;
  std::size_t double_completions = 0;
  std::size_t errors = 0;         ///< calls with an error_code or !ok()
  std::size_t errors_ec = 0;      ///< calls with an error_code
  std::size_t errors_not_ok = 0;  ///< calls without error_code but !ok() (HTTP error, status:false)
  std::size_t attempts = 0;       ///< HTTP requests sent (retries included)
  std::size_t max_in_flight = 0;
  std::map<std::string, std::size_t> by_error;  ///< "ec: message" / "http 404" -> count
  std::vector<std::int64_t> latency_ns;         ///< one per completed call
  std::chrono::nanoseconds elapsed{0};
  std::chrono::microseconds process_cpu{0};
  std::chrono::microseconds process_sys{0};
  std::chrono::microseconds client_thread_cpu{0};
  // walk only
  std::size_t pages = 0;
  std::size_t visited = 0;
};

/// Keeps `concurrency` calls in flight until `total` calls were started, on one io_context.
class load_loop {
 public:
  load_loop(asio::io_context& ioc, paystack::terminal_client& client, const config& cfg,
            std::size_t total)
      : ioc_(ioc), client_(client), cfg_(cfg), total_(total), done_(total, 0) {
    // Touched now, so that the samples do not count in the RSS measured during the run.
    result_.latency_ns.resize(total, 0);
  }

  phase_result run() {
    const auto cpu0 = cpu_time(RUSAGE_SELF);
    const auto sys0 = sys_time();
    const auto thread_cpu0 = cpu_time(RUSAGE_THREAD);
    const auto t0 = clock_type::now();
    const std::size_t first = std::min(cfg_.concurrency, total_);
    for (std::size_t i = 0; i < first; ++i) start_one();
    ioc_.restart();
    ioc_.run();
    result_.elapsed = clock_type::now() - t0;
    result_.process_cpu = cpu_time(RUSAGE_SELF) - cpu0;
    result_.process_sys = sys_time() - sys0;
    result_.client_thread_cpu = cpu_time(RUSAGE_THREAD) - thread_cpu0;
    result_.latency_ns.resize(result_.completed);
    // Calls that never completed are errors too (the io_context ran out of work without them).
    for (std::size_t i = 0; i < result_.started; ++i) {
      if (done_[i] == 0) {
        ++result_.errors;
        ++result_.by_error["never completed"];
      }
    }
    return std::move(result_);
  }

 private:
  void start_one() {
    const std::size_t index = result_.started++;
    ++in_flight_;
    result_.max_in_flight = std::max(result_.max_in_flight, in_flight_);
    const auto t0 = clock_type::now();
    auto finish = [this, index, t0](const error_code& ec, bool ok, unsigned status_code,
                                    unsigned attempts) {
      on_complete(index, t0, ec, ok, status_code, attempts);
    };
    switch (cfg_.op) {
      case operation::fetch_terminal:
        client_.async_fetch_terminal(
            cfg_.terminal_id, [finish](error_code ec, paystack::response<paystack::terminal> r) {
              finish(ec, r.ok(), r.status_code, r.attempts);
            });
        break;
      case operation::status:
        client_.async_fetch_terminal_status(
            cfg_.terminal_id,
            [finish](error_code ec, paystack::response<paystack::terminal_status> r) {
              finish(ec, r.ok(), r.status_code, r.attempts);
            });
        break;
      case operation::list:
        client_.async_list_terminals(
            paystack::list_terminals_params{.per_page = cfg_.per_page},
            [finish](error_code ec, paystack::response<std::vector<paystack::terminal>> r) {
              finish(ec, r.ok(), r.status_code, r.attempts);
            });
        break;
      case operation::send_event:
        // transaction + print: accepted for any positive transaction id, prompts nobody.
        client_.async_send_event(
            cfg_.terminal_id, paystack::terminal_event::print_transaction(1259864309),
            [finish](error_code ec, paystack::response<paystack::event_ack> r) {
              finish(ec, r.ok(), r.status_code, r.attempts);
            });
        break;
      case operation::walk:
        client_.async_for_each_terminal(
            paystack::list_terminals_params{.per_page = cfg_.per_page},
            std::numeric_limits<std::size_t>::max(),
            [this](const paystack::terminal&) {
              ++result_.visited;
              return true;
            },
            [this, finish](error_code ec, paystack::response<paystack::walk_summary> r) {
              if (r.data) result_.pages += r.data->pages;
              finish(ec, r.ok(), r.status_code, r.attempts);
            });
        break;
    }
  }

  void on_complete(std::size_t index, clock_type::time_point t0, const error_code& ec, bool ok,
                   unsigned status_code, unsigned attempts) {
    if (done_[index]++ != 0) {
      ++result_.double_completions;
      ++result_.errors;
      ++result_.by_error["completed twice"];
      return;
    }
    --in_flight_;
    ++result_.completed;
    result_.attempts += attempts;
    result_.latency_ns[result_.completed - 1] =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count();
    if (ec) {
      ++result_.errors;
      ++result_.errors_ec;
      ++result_.by_error[ec.to_string() + " " + ec.message()];
    } else if (!ok) {
      ++result_.errors;
      ++result_.errors_not_ok;
      ++result_.by_error["http " + std::to_string(status_code) + " (not ok)"];
    }
    if (result_.started < total_) start_one();
  }

  asio::io_context& ioc_;
  paystack::terminal_client& client_;
  const config& cfg_;
  std::size_t total_;
  std::vector<std::uint8_t> done_;  ///< completions per call index (must end at exactly 1)
  std::size_t in_flight_ = 0;
  phase_result result_;
};

// ---- output ---------------------------------------------------------------------------------

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

double percentile_us(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1000.0;
}

void report(const config& cfg, const std::string& base_url, phase_result& r, long baseline_rss,
            long peak_rss) {
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  const double secs = std::chrono::duration<double>(r.elapsed).count();
  const double rps = secs > 0 ? static_cast<double>(r.completed) / secs : 0;
  const double n = r.completed ? static_cast<double>(r.completed) : 1;
  const double cpu_per = static_cast<double>(r.process_cpu.count()) / n;
  const double thread_cpu_per = static_cast<double>(r.client_thread_cpu.count()) / n;
  const double sys_per = static_cast<double>(r.process_sys.count()) / n;
  double mean = 0;
  for (auto v : r.latency_ns) mean += static_cast<double>(v);
  mean = r.latency_ns.empty() ? 0 : mean / static_cast<double>(r.latency_ns.size()) / 1000.0;
  const long delta = std::max(0L, peak_rss - baseline_rss);
  const double per_in_flight =
      r.max_in_flight ? static_cast<double>(delta) * 1024.0 / static_cast<double>(r.max_in_flight)
                      : 0;

  std::printf(
      "%s: %zu/%zu calls in %.3f s = %.0f calls/s; latency p50 %.0f us p90 %.0f us p99 %.0f us "
      "max %.0f us; cpu %.2f us/call (%.2f sys; client thread %.2f); peak RSS %ld KiB (+%ld, "
      "%.0f B per call in flight, max %zu in flight); errors %zu",
      std::string(name_of(cfg.op)).c_str(), r.completed, r.started, secs, rps,
      percentile_us(r.latency_ns, 0.50), percentile_us(r.latency_ns, 0.90),
      percentile_us(r.latency_ns, 0.99), percentile_us(r.latency_ns, 1.0), cpu_per, sys_per,
      thread_cpu_per, peak_rss, delta, per_in_flight, r.max_in_flight, r.errors);
  if (cfg.op == operation::walk) std::printf("; %zu pages, %zu terminals", r.pages, r.visited);
  std::printf("\n");

  std::ostringstream j;
  j.setf(std::ios::fixed);
  j.precision(2);
  j << "{\"tool\":\"paystack-bench\",\"operation\":\"" << name_of(cfg.op) << "\",\"base_url\":\""
    << json_escape(base_url) << "\",\"embedded_sim\":" << (cfg.embedded_sim ? "true" : "false")
    << ",\"requests\":" << r.started << ",\"completed\":" << r.completed
    << ",\"concurrency\":" << cfg.concurrency << ",\"connections\":" << cfg.connections
    << ",\"max_attempts\":" << cfg.max_attempts << ",\"elapsed_s\":" << secs
    << ",\"requests_per_second\":" << rps
    << ",\"latency_us\":{\"p50\":" << percentile_us(r.latency_ns, 0.50)
    << ",\"p90\":" << percentile_us(r.latency_ns, 0.90)
    << ",\"p99\":" << percentile_us(r.latency_ns, 0.99)
    << ",\"max\":" << percentile_us(r.latency_ns, 1.0) << ",\"mean\":" << mean
    << "},\"cpu_us_per_request\":" << cpu_per << ",\"cpu_sys_us_per_request\":" << sys_per
    << ",\"client_thread_cpu_us_per_request\":" << thread_cpu_per
    << ",\"cpu_includes_server\":" << (cfg.embedded_sim ? "true" : "false")
    << ",\"peak_rss_kib\":" << peak_rss << ",\"baseline_rss_kib\":" << baseline_rss
    << ",\"rss_delta_kib\":" << delta << ",\"max_in_flight\":" << r.max_in_flight
    << ",\"rss_delta_per_in_flight_bytes\":" << per_in_flight << ",\"attempts\":" << r.attempts
    << ",\"errors\":" << r.errors << ",\"errors_ec\":" << r.errors_ec
    << ",\"errors_not_ok\":" << r.errors_not_ok
    << ",\"double_completions\":" << r.double_completions << ",\"errors_by_kind\":{";
  bool first = true;
  for (const auto& [what, count] : r.by_error) {
    j << (first ? "" : ",") << "\"" << json_escape(what) << "\":" << count;
    first = false;
  }
  j << "}";
  if (cfg.op == operation::walk) j << ",\"pages\":" << r.pages << ",\"visited\":" << r.visited;
  j << "}\n";
  std::fputs(j.str().c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  std::string op_name = "fetch-terminal";
  CLI::App app{"paystack-bench: load generator for the paystack-cpp terminal_client"};
  app.add_option("--base-url", cfg.base_url,
                 "API base URL, e.g. http://127.0.0.1:7000 (key from PAYSTACK_SECRET_KEY)");
  app.add_option("--operation", op_name, "fetch-terminal | status | list | send-event | walk")
      ->check(CLI::IsMember({"fetch-terminal", "status", "list", "send-event", "walk"}));
  app.add_option("--terminal-id", cfg.terminal_id,
                 "terminal to use (default: the first one a list call returns)");
  app.add_option("--requests", cfg.requests, "calls to measure (walk: walks)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  app.add_option("--concurrency", cfg.concurrency, "calls in flight at once")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app.add_option("--connections", cfg.connections, "client_options::max_connections_per_host")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  app.add_option("--warmup", cfg.warmup, "calls run (and not measured) before the measurement");
  app.add_option("--max-attempts", cfg.max_attempts,
                 "retry_policy::max_attempts (1: no retries, every failure is counted)")
      ->check(CLI::Range(1U, 10U));
  app.add_option("--per-page", cfg.per_page, "perPage of list and walk")
      ->check(CLI::Range(1, 1000));
  app.add_option("--timeout-ms", cfg.timeout_ms, "client_options::timeout of each call")
      ->check(CLI::Range(1L, 3'600'000L));
  app.add_option("--expect-terminals", cfg.expect_terminals,
                 "walk: fail unless exactly this many terminals were visited");
#ifdef PAYSTACK_BENCH_HAVE_SIM
  app.add_flag("--embedded-sim", cfg.embedded_sim,
               "start a paystack::sim::server in this process (its own threads) and use it; "
               "CPU and RSS figures then include the server");
  app.add_option("--sim-terminals", cfg.sim_terminals, "terminals of the embedded simulator");
#endif
  CLI11_PARSE(app, argc, argv);
  cfg.op = operation_names().at(op_name);
  if (cfg.op == operation::walk) cfg.concurrency = 1;

  std::string key;
#ifdef PAYSTACK_BENCH_HAVE_SIM
  std::unique_ptr<paystack::sim::server> sim;
  if (cfg.embedded_sim) {
    if (!cfg.base_url.empty()) {
      std::cerr << "paystack-bench: give either --base-url or --embedded-sim\n";
      return 2;
    }
    paystack::sim::server_options so;
    so.secret_key = "sk_test_paystack_bench";
    so.seed_terminals = cfg.sim_terminals;
    so.seed_devices = 0;
    so.delivery_delay.reset();  // pushed events stay queued: no background work per call
    so.auto_pay_delay.reset();
    so.max_connections = std::max<std::size_t>(4096, cfg.connections + 16);
    so.max_connections_per_source = so.max_connections;  // every connection comes from 127.0.0.1
    sim = std::make_unique<paystack::sim::server>(so);
    sim->start();
    cfg.base_url = sim->base_url();
    key = so.secret_key;
  }
#endif
  if (cfg.base_url.empty()) {
    std::cerr << "paystack-bench: --base-url is required (or --embedded-sim)\n";
    return 2;
  }
  if (key.empty()) {
    const char* k = std::getenv("PAYSTACK_SECRET_KEY");
    key = k ? k : "";
    if (key.rfind("sk_test_", 0) != 0) {
      std::cerr << "paystack-bench: set PAYSTACK_SECRET_KEY to a test key (sk_test_...); "
                   "a load tool never runs with a live key\n";
      return 2;
    }
  }

  asio::io_context ioc(1);
  paystack::client_options o;
  o.base_url = cfg.base_url;
  o.secret_key = key;
  o.max_connections_per_host = cfg.connections;
  o.retry.max_attempts = cfg.max_attempts;
  o.timeout = std::chrono::milliseconds(cfg.timeout_ms);
  paystack::terminal_client client(ioc.get_executor(), o);
  if (auto ec = client.configuration_error()) {
    std::cerr << "paystack-bench: bad configuration: " << ec.message() << '\n';
    return 2;
  }

  const bool needs_terminal = cfg.op == operation::fetch_terminal || cfg.op == operation::status ||
                              cfg.op == operation::send_event;
  if (needs_terminal && cfg.terminal_id.empty()) {
    bool done = false;
    client.async_list_terminals(
        paystack::list_terminals_params{.per_page = 1},
        [&](error_code ec, paystack::response<std::vector<paystack::terminal>> r) {
          done = true;
          if (ec || !r.ok() || r.data->empty()) {
            std::cerr << "paystack-bench: could not list terminals: "
                      << (ec ? ec.message() + " " + r.error_detail : r.message) << '\n';
            return;
          }
          cfg.terminal_id = r.data->front().terminal_id;
        });
    ioc.run();
    if (!done || cfg.terminal_id.empty()) return 1;
  }

  // Baseline memory before any call is in flight (the lookup above opened one connection) and
  // after the measurement's own bookkeeping was allocated: the RSS delta holds the calls in
  // flight, the connections opened and whatever the allocator kept from the warm-up.
  load_loop loop(ioc, client, cfg, cfg.requests);
  const long baseline_rss = proc_status_kib("VmRSS");
  if (cfg.warmup > 0) {
    load_loop warm(ioc, client, cfg, cfg.warmup);
    auto w = warm.run();
    if (w.errors > 0) std::cerr << "paystack-bench: warm-up had " << w.errors << " errors\n";
  }
  phase_result r = loop.run();
  const long peak_rss = proc_status_kib("VmHWM");

  if (cfg.op == operation::walk && cfg.expect_terminals &&
      r.visited != *cfg.expect_terminals * r.completed) {
    ++r.errors;
    ++r.by_error["visited " + std::to_string(r.visited) + " terminals, expected " +
                 std::to_string(*cfg.expect_terminals * r.completed)];
  }
  report(cfg, cfg.base_url, r, baseline_rss, peak_rss);
  if (!r.by_error.empty()) {
    for (const auto& [what, count] : r.by_error)
      std::cerr << "paystack-bench: " << count << " x " << what << '\n';
  }
#ifdef PAYSTACK_BENCH_HAVE_SIM
  if (sim) sim->stop();
#endif
  return r.errors == 0 && r.completed == r.started ? 0 : 1;
}
