// serve --listen HOST:PORT --store URL [--webhook-listen HOST:PORT] [--token-file PATH]: the
// charge engine as a local HTTP/JSON service (paystack::charge_service; doc/serve.md).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <paystack/charge_service.hpp>
#include <paystack/metrics_server.hpp>
#include <sstream>

#include "common.hpp"
#include "log.hpp"
#include "merchant_keys.hpp"

namespace cli {

/// "HOST:PORT" or "[V6]:PORT"; std::nullopt when ill-formed.
std::optional<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const auto n = std::stoul(port);
  if (n > 65535) return std::nullopt;
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return std::pair{host, static_cast<std::uint16_t>(n)};
}

std::optional<int> start_metrics(const std::string& listen, boost::asio::io_context& ioc,
                                 std::optional<paystack::metrics_server>& server) {
  if (listen.empty()) return std::nullopt;
  auto where = parse_listen(listen);
  if (!where) {
    std::cerr << "paystack-terminal: --metrics-listen: not HOST:PORT: " << server_text(listen)
              << '\n';
    return static_cast<int>(exit_usage);
  }
  paystack::metrics_server_options o;
  o.bind_address = where->first;
  o.port = where->second;
  server.emplace(ioc.get_executor(), std::move(o));
  try {
    server->start();
  } catch (const std::exception& e) {
    std::cerr << "paystack-terminal: cannot serve metrics on " << server_text(listen) << ": "
              << e.what() << '\n';
    return static_cast<int>(exit_network);
  }
  const auto url = server->url();
  log::info("serving metrics", "serving metrics on " + url + "\n", {{"url", url}});
  return std::nullopt;
}

namespace {

/// The API token: --token-file (its first line), else PAYSTACK_SERVE_TOKEN. Empty on error
/// (printed).
std::string read_token(const std::string& file) {
  std::string token;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "paystack-terminal: --token-file: cannot read " << server_text(file) << '\n';
      return {};
    }
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  } else if (const char* t = std::getenv("PAYSTACK_SERVE_TOKEN")) {
    token = t;
  }
  if (token.size() < 16) {
    std::cerr << "paystack-terminal: serve needs an API token of 16 characters or more in "
                 "PAYSTACK_SERVE_TOKEN or --token-file (e.g. openssl rand -hex 24)\n";
    return {};
  }
  return token;
}

struct args {
  std::string listen = "127.0.0.1:8080";
  std::string webhook_listen;
  std::string webhook_path;
  std::string merchant_keys;
  std::string store;
  std::string token_file;
  std::string drain_timeout = "30s";
  unsigned housekeeping = 30;
  std::size_t max_in_flight = 1000;
  unsigned lease_ttl = 10;
  std::string metrics_listen;
  unsigned presence = 0;
};

/// The service's options from the command's (token, store, drain timeout and webhook receiver:
/// the caller's).
paystack::charge_service_options service_options(
    const context& ctx, const args& a, const std::pair<std::string, std::uint16_t>& listen) {
  paystack::charge_service_options so;
  so.bind_address = listen.first;
  so.port = listen.second;
  so.max_in_flight = a.max_in_flight;
  so.housekeeping_interval = std::chrono::seconds(a.housekeeping);
  so.presence_interval = std::chrono::seconds(a.presence);
  if (log::json()) {
    so.on_progress = [](const std::string& key, const std::string& terminal_id,
                        const paystack::charge_progress& p) {
      log::charge_progress(terminal_id, key, p);
    };
  }
  so.defaults.timeout = ctx.opts.timeout_set ? ctx.opts.timeout : std::chrono::minutes(3);
  so.defaults.lease_ttl = std::chrono::seconds(a.lease_ttl);
  return so;
}

/// The last line: what the service did.
void log_stopped(const paystack::charge_service_stats& s) {
  const auto started = std::to_string(s.started), resumed = std::to_string(s.resumed),
             finished = std::to_string(s.finished), left = std::to_string(s.in_flight);
  log::info("stopped",
            "stopped: " + started + " charges started, " + resumed + " resumed, " + finished +
                " finished here, " + left + " left journaled\n",
            {{"started", started, true},
             {"resumed", resumed, true},
             {"finished", finished, true},
             {"left_journaled", left, true}});
}

/// The webhook receiver's keys: --merchant-keys (several merchants), else the secret key.
/// False (reported) when the file is refused.
bool webhook_keys(const context& ctx, const args& a, paystack::webhook_server_options& wo) {
  if (a.merchant_keys.empty()) {
    wo.secret_key = ctx.opts.secret_key;
    return true;
  }
  std::string why;
  auto keys = read_merchant_keys(a.merchant_keys, why);
  if (!keys) {
    std::cerr << "paystack-terminal: --merchant-keys: " << why << '\n';
    return false;
  }
  wo.merchant_keys = std::move(*keys);
  return true;
}

int run_serve(context& ctx, const args& a) {
  auto listen = parse_listen(a.listen);
  if (!listen) {
    std::cerr << "paystack-terminal: --listen: not HOST:PORT: " << server_text(a.listen) << '\n';
    return exit_usage;
  }
  std::optional<std::pair<std::string, std::uint16_t>> hook_listen;
  if (!a.webhook_listen.empty()) {
    hook_listen = parse_listen(a.webhook_listen);
    if (!hook_listen) {
      std::cerr << "paystack-terminal: --webhook-listen: not HOST:PORT: "
                << server_text(a.webhook_listen) << '\n';
      return exit_usage;
    }
  }
  auto drain = parse_duration(a.drain_timeout);
  if (!drain || drain->count() < 0 || *drain > std::chrono::hours(1)) {
    std::cerr << "paystack-terminal: --drain-timeout: a duration up to 1h, e.g. 30s\n";
    return exit_usage;
  }
  const auto token = read_token(a.token_file);
  if (token.empty()) return exit_usage;
  auto options = make_client_options(ctx.opts);
  if (!options) return exit_usage;
  boost::asio::io_context ioc;
  auto store = open_store(ioc, a.store, /*create=*/true);
  if (!store) return exit_usage;
  use_rate_budget(ctx.opts, *options, ioc.get_executor(), store);
  paystack::terminal_client client(ioc.get_executor(), *options);
  if (!check_configuration(client)) return exit_usage;

  auto so = service_options(ctx, a, *listen);
  so.token = token;
  so.store = store;
  so.drain_timeout = *drain;
  if (hook_listen) {
    paystack::webhook_server_options wo;
    if (!webhook_keys(ctx, a, wo)) return exit_usage;
    wo.bind_address = hook_listen->first;
    wo.port = hook_listen->second;
    wo.path = a.webhook_path;
    so.webhooks = std::move(wo);
  }
  std::optional<paystack::metrics_server> metrics;
  if (auto failed = start_metrics(a.metrics_listen, ioc, metrics)) return *failed;
  paystack::charge_service service(ioc.get_executor(), client, std::move(so));
  try {
    service.start();
  } catch (const std::exception& e) {
    std::cerr << "paystack-terminal: cannot serve on " << a.listen << ": " << e.what() << '\n';
    return exit_network;
  }
  const auto url = service.url();
  log::info("serving charges", "serving charges on " + url + " (store " + store->describe() + ")\n",
            {{"url", url}, {"store", store->describe()}});
  if (hook_listen) {
    const auto hooks = service.webhook_url();
    log::info("receiving webhooks", "receiving webhooks on " + hooks + "\n", {{"url", hooks}});
  }
  bool drained = false;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    log::info("draining",
              "draining: new charges refused, running ones get " + a.drain_timeout + "\n",
              {{"drain_timeout", a.drain_timeout}});
    service.async_drain([&](boost::system::error_code) {
      drained = true;
      ioc.stop();
    });
  });
  ioc.run();
  if (metrics) metrics->stop();
  log_stopped(service.stats());
  return drained ? exit_ok : exit_network;
}

}  // namespace

void add_serve_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("serve",
                                 "Run the exactly-once charge engine as a local HTTP/JSON service");
  auto a = std::make_shared<args>();
  sub->add_option("--listen", a->listen,
                  "HOST:PORT of the API (keep it on loopback or a "
                  "private network; every /v1/ call needs the token)")
      ->capture_default_str();
  sub->add_option("--webhook-listen", a->webhook_listen,
                  "HOST:PORT where Paystack's webhooks are received (as `webhooks listen`); "
                  "events reach the charges waiting for them (default: none, verify polling)");
  sub->add_option("--merchant-keys", a->merchant_keys,
                  "with --webhook-listen: verify webhooks against every key of this file "
                  "(several merchants: merchant=sk_test_... lines, chmod 600; doc/cli.md)")
      ->type_name("FILE");
  sub->add_option("--webhook-path", a->webhook_path, "with --webhook-listen: the path to serve");
  add_store_option(*sub, a->store)->required();
  sub->add_option("--token-file", a->token_file,
                  "file whose first line is the API token (default: PAYSTACK_SERVE_TOKEN)")
      ->check(CLI::ExistingFile);
  sub->add_option("--drain-timeout", a->drain_timeout,
                  "on SIGTERM, how long running charges may go on before they are left "
                  "journaled for any instance to resume")
      ->capture_default_str()
      ->type_name("DURATION");
  sub->add_option("--housekeeping-interval", a->housekeeping,
                  "seconds between rounds of resuming unfinished charges and reconciling open "
                  "ones (0: never)")
      ->check(integer_in(0, 86400))
      ->capture_default_str();
  sub->add_option("--max-in-flight", a->max_in_flight,
                  "charges running here at most; more are answered 429")
      ->check(integer_in(1, 100000))
      ->capture_default_str();
  sub->add_option("--lease-ttl", a->lease_ttl, "seconds a terminal's lease lasts unless renewed")
      ->check(integer_in(1, 600))
      ->capture_default_str();
  sub->add_option("--metrics-listen", a->metrics_listen,
                  "HOST:PORT of a listener of its own answering GET /metrics (Prometheus text "
                  "format; default: none). No token: keep it on loopback or a private network")
      ->type_name("HOST:PORT");
  sub->add_option("--presence-interval", a->presence,
                  "seconds between checks of the terminals' presence (housekeeping calls of the "
                  "rate budget; GET /v1/terminals and paystack_terminal_up show them; 0: never)")
      ->check(integer_in(0, 86400))
      ->capture_default_str();
  log::add_option(*sub);
  sub->footer(
      "API: POST /v1/charges, GET /v1/charges/{key}[?wait=S], GET /v1/charges/{key}/events,\n"
      "POST /v1/charges/{key}/cancel, GET /v1/charges, GET /v1/terminals, GET /healthz, /readyz.\n"
      "The same key never charges twice (the store decides, across restarts and instances).\n"
      "SIGTERM drains (readyz 503, new charges 503, running ones finish within --drain-timeout)\n"
      "and exits 0. See doc/serve.md and doc/serve-openapi.yaml.\n\n"
      "Example:\n"
      "  PAYSTACK_SERVE_TOKEN=$(openssl rand -hex 24) paystack-terminal serve \\\n"
      "      --listen 127.0.0.1:8080 --store charges.db");
  sub->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_serve(ctx, *a); }; });
}

}  // namespace cli
