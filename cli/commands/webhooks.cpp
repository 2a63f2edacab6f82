// webhooks listen --port P [--path /hook] [--bind ADDR] [--count N] [--merchant-keys FILE]:
// receive, verify and print Paystack webhooks (of one merchant, or of several).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <ctime>
#include <paystack/webhook_server.hpp>

#include "common.hpp"
#include "log.hpp"
#include "merchant_keys.hpp"

namespace cli {
namespace {

std::string now_hms() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

/// The receiver's keys: `merchant_keys_file` (several merchants), else the secret key. False
/// (reported) when there is none or the file is refused.
bool receiver_keys(const context& ctx, const std::string& merchant_keys_file,
                   paystack::webhook_server_options& o) {
  if (!merchant_keys_file.empty()) {
    std::string why;
    auto keys = read_merchant_keys(merchant_keys_file, why);
    if (!keys) {
      std::cerr << "paystack-terminal: --merchant-keys: " << why << '\n';
      return false;
    }
    o.merchant_keys = std::move(*keys);
    return true;
  }
  if (ctx.opts.secret_key.empty()) {
    std::cerr << "paystack-terminal: webhooks are signed with your secret key; set "
                 "PAYSTACK_SECRET_KEY (or --secret-key), or give --merchant-keys\n";
    return false;
  }
  o.secret_key = ctx.opts.secret_key;
  return true;
}

struct listen_args {
  std::uint16_t port = 0;
  std::string path;
  std::string bind = "127.0.0.1";
  std::optional<std::size_t> count;
  std::string store;
  std::string metrics_listen;
  std::string merchant_keys;
};

void add_listen_options(CLI::App& sub, listen_args& a) {
  sub.add_option("--port", a.port, "port to listen on (0: pick one and print it)")
      ->required()
      ->check(integer_in(0, 65535));
  sub.add_option("--path", a.path, "serve only this path (default: deliveries at /)");
  sub.add_option("--bind", a.bind, "listen address")->capture_default_str();
  sub.add_option("--store", a.store,
                 "record each verified event in this charge store (a SQLite file, or "
                 "postgres://... shared by several receivers) before the 200; an event recorded "
                 "before (a replay, also after a restart or by another receiver) is not printed "
                 "again")
      ->envname("PAYSTACK_CHARGE_STORE")
      ->type_name("PATH");
  sub.add_option("--merchant-keys", a.merchant_keys,
                 "several merchants: verify each delivery against every key of this file "
                 "(merchant=sk_test_... lines, chmod 600; doc/cli.md) and print the merchant "
                 "it belongs to; the secret key is not used then")
      ->type_name("FILE");
  sub.add_option("--count", a.count, "exit after N events (default: until Ctrl-C)")
      ->check(positive_integer());
  sub.add_option("--metrics-listen", a.metrics_listen,
                 "HOST:PORT of a listener of its own answering GET /metrics (never the webhook "
                 "port; default: none)")
      ->type_name("HOST:PORT");
  log::add_option(sub);
  sub.footer(
      "Signatures (x-paystack-signature) are checked with PAYSTACK_SECRET_KEY (or --secret-key)\n"
      "before anything is parsed: forged deliveries get 401 and are not printed. Paystack needs "
      "an\n"
      "https URL: put a TLS proxy or tunnel in front. With --json, each event's raw body on one "
      "line\n(line breaks in it, which JSON allows only as whitespace, printed as spaces).\n\n"
      "Examples:\n"
      "  PAYSTACK_SECRET_KEY=sk_test_... paystack-terminal webhooks listen --port 8080\n"
      "  paystack-terminal --json webhooks listen --port 8080 --path /hook --count 1\n"
      "  paystack-terminal webhooks listen --port 8080 --merchant-keys merchants.keys");
}

/// Prints one verified event: its raw body on one line with --json (with its merchant when
/// there are several), else a line of text.
void print_event(const paystack::webhook_event& e, bool json) {
  if (json && e.merchant.empty()) {
    print_json_line(e.raw_body);  // one line per event, always
  } else if (json) {              // a merchant name is [A-Za-z0-9_.-]: no escaping needed
    print_json_line("{\"merchant\":\"" + e.merchant + "\",\"event\":" + e.raw_body + "}");
  } else {
    const auto who = e.merchant.empty() ? std::string() : "[" + e.merchant + "]  ";
    std::cout << now_hms() << "  " << who << server_text(describe_webhook(e)) << '\n' << std::flush;
  }
}

void log_stopped(const paystack::webhook_server_stats& s) {
  const auto accepted = std::to_string(s.accepted), duplicates = std::to_string(s.duplicates),
             forged = std::to_string(s.bad_signature);
  log::info("stopped",
            accepted + " events, " + duplicates + " duplicates dropped, " + forged +
                " bad signatures refused\n",
            {{"accepted", accepted, true},
             {"duplicates", duplicates, true},
             {"bad_signature", forged, true}});
}

int run_listen(context& ctx, listen_args& a) {
  paystack::webhook_server_options o;
  if (!receiver_keys(ctx, a.merchant_keys, o)) return static_cast<int>(exit_usage);
  if (!a.path.empty() && a.path.front() != '/') a.path.insert(0, "/");
  boost::asio::io_context ioc;
  std::size_t seen = 0;
  o.bind_address = a.bind;
  o.port = a.port;
  o.path = a.path;
  if (!a.store.empty()) {
    o.store = open_store(ioc, a.store, /*create=*/true);
    if (!o.store) return static_cast<int>(exit_usage);
  }
  o.on_event = [&, json = ctx.opts.json](const paystack::webhook_event& e) {
    print_event(e, json);
    if (a.count && ++seen >= *a.count) ioc.stop();
  };
  std::optional<paystack::metrics_server> metrics;
  if (auto failed = start_metrics(a.metrics_listen, ioc, metrics)) return *failed;
  paystack::webhook_server server(ioc.get_executor(), std::move(o));
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "paystack-terminal: cannot listen on " << a.bind << ':' << a.port << ": "
              << e.what() << '\n';
    return static_cast<int>(exit_network);
  }
  const auto url = server.url();
  log::info("listening for webhooks",
            "listening for webhooks on " + url + " (signatures checked; Ctrl-C to stop)\n",
            {{"url", url}});
  bool interrupted = false;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    ioc.stop();
  });
  ioc.run();
  server.stop();
  if (metrics) metrics->stop();
  log_stopped(server.stats());
  return interrupted ? static_cast<int>(exit_interrupted) : static_cast<int>(exit_ok);
}

}  // namespace

void add_webhooks_command(CLI::App& app, context& ctx) {
  auto* webhooks = app.add_subcommand("webhooks", "Receive Paystack webhooks");
  webhooks->require_subcommand(1);
  auto* sub = webhooks->add_subcommand(
      "listen", "Listen for webhooks; print each verified, de-duplicated event as it arrives");
  auto a = std::make_shared<listen_args>();
  add_listen_options(*sub, *a);
  sub->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_listen(ctx, *a); }; });
}

}  // namespace cli
