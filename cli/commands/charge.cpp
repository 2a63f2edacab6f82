// charge TERMINAL_ID --amount N --customer C [--currency] [--description] [--webhook-port P]:
// the whole in-person flow on one terminal.
#include <paystack/webhook_server.hpp>

#include "charge_view.hpp"
#include "log.hpp"

namespace cli {

namespace {

struct args {
  std::string terminal_id;
  std::int64_t amount = 0;
  std::string customer;
  std::optional<std::string> currency;
  std::optional<std::string> description;
  std::optional<std::uint16_t> webhook_port;
  std::string webhook_path;
  std::string webhook_bind = "0.0.0.0";
  std::optional<std::string> key;
  std::string store;
  std::optional<std::string> verify_interval;
  bool wait_for_terminal = false;
  bool keep_open = false;
  std::optional<unsigned> lease_ttl;
};

/// The webhook receiver of `--webhook-port` (started), or exit_network when it cannot listen.
std::optional<int> start_hooks(context& ctx, const args& a, boost::asio::io_context& ioc,
                               std::optional<paystack::webhook_server>& hooks) {
  if (!a.webhook_port) return std::nullopt;
  paystack::webhook_server_options wo;
  wo.secret_key = ctx.opts.secret_key;
  wo.bind_address = a.webhook_bind;
  wo.port = *a.webhook_port;
  wo.path = a.webhook_path;
  hooks.emplace(ioc.get_executor(), std::move(wo));
  try {
    hooks->start();
  } catch (const std::exception& e) {
    std::cerr << "paystack-terminal: cannot listen for webhooks on port " << *a.webhook_port << ": "
              << e.what() << '\n';
    return static_cast<int>(exit_network);
  }
  std::cerr << "receiving webhooks on port " << hooks->port() << '\n';
  return std::nullopt;
}

/// The charge's parameters from the options; std::nullopt (said why) for a bad duration.
std::optional<paystack::charge_params> charge_params_of(const context& ctx, const args& a) {
  paystack::charge_params p;
  p.customer = a.customer;
  p.amount = a.amount;
  p.currency = a.currency;
  p.description = a.description;
  p.timeout = ctx.opts.timeout_set ? ctx.opts.timeout : std::chrono::minutes(3);
  if (a.verify_interval) {
    auto d = parse_duration(*a.verify_interval);
    if (!d || d->count() <= 0) {
      std::cerr << "paystack-terminal: --verify-interval: not a duration: "
                << server_text(*a.verify_interval) << '\n';
      return std::nullopt;
    }
    p.verify_poll_interval = *d;
  }
  p.wait_for_terminal = a.wait_for_terminal;
  p.keep_open = a.keep_open;
  if (a.lease_ttl) p.lease_ttl = std::chrono::seconds(*a.lease_ttl);
  return p;
}

/// The store of --store (created if needed), after checking --key and --store go together.
std::optional<std::shared_ptr<paystack::charge_store>> store_of(const args& a,
                                                                boost::asio::io_context& ioc) {
  if (a.key && a.store.empty()) {
    std::cerr << "paystack-terminal: --key needs --store (or PAYSTACK_CHARGE_STORE)\n";
    return std::nullopt;
  }
  if (a.store.empty()) return std::shared_ptr<paystack::charge_store>();
  if (!a.key) {
    std::cerr << "paystack-terminal: --store needs --key\n";
    return std::nullopt;
  }
  auto store = open_store(ioc, a.store, /*create=*/true);
  if (!store) return std::nullopt;
  return store;
}

int run_charge_command(context& ctx, const args& a) {
  auto options = make_client_options(ctx.opts);
  if (!options) return exit_usage;
  boost::asio::io_context ioc;
  int code = exit_ok;
  {
    auto store = store_of(a, ioc);
    if (!store) return exit_usage;
    use_rate_budget(ctx.opts, *options, ioc.get_executor(), *store);
    paystack::terminal_client client(ioc.get_executor(), *options);
    if (!check_configuration(client)) return exit_usage;
    std::optional<paystack::webhook_server> hooks;
    if (auto failed = start_hooks(ctx, a, ioc, hooks)) return *failed;
    auto p = charge_params_of(ctx, a);
    if (!p) return exit_usage;
    progress_printer progress(std::cerr, is_tty(2) && !log::json(), "");
    if (log::json()) {
      p->on_progress = [t = a.terminal_id, k = a.key.value_or("")](
                           const paystack::charge_progress& pr) { log::charge_progress(t, k, pr); };
    } else {
      p->on_progress = progress;
    }
    if (hooks) p->webhooks = hooks->feed();
    if (*store) {
      p->store = *store;
      p->key = a.key;
    }
    bool interrupted = false;
    auto [ec, r] = run_charge(ioc, client, a.terminal_id, std::move(*p), interrupted);
    progress.finish();
    if (ctx.opts.json) {
      std::cout << charge_result_json(a.terminal_id, ec, r) << '\n' << std::flush;
    } else {
      print_charge_result(std::cout, a.terminal_id, ec, r);
    }
    code = charge_exit_code(ec, r, interrupted);
    if (hooks) hooks->stop();
  }
  ioc.restart();
  ioc.poll();
  return code;
}

}  // namespace

void add_charge_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "charge", "Charge a customer on a terminal and wait until they paid (or did not)");
  auto a = std::make_shared<args>();
  sub->add_option("TERMINAL_ID", a->terminal_id, "the terminal's id, e.g. 2872S934")->required();
  sub->add_option("--amount", a->amount,
                  "amount in the currency's subunit (kobo, pesewa, cent): 5000 = 50.00")
      ->required()
      ->check(integer_in(1, 1'000'000'000'000));
  sub->add_option("--customer", a->customer,
                  "customer id or code (Paystack's payment requests need one), e.g. "
                  "CUS_xwaj0txjryg393b")
      ->required();
  sub->add_option("--currency", a->currency, "NGN (default), GHS, ZAR, USD, KES")
      ->check(CLI::IsMember({"NGN", "GHS", "ZAR", "USD", "KES"}, CLI::ignore_case));
  sub->add_option("--description", a->description, "shown on the invoice");
  sub->add_option("--webhook-port", a->webhook_port,
                  "also receive webhooks on this port while waiting (faster, and the only way to "
                  "see a decline); Paystack must be able to reach it")
      ->check(integer_in(0, 65535));
  sub->add_option("--webhook-path", a->webhook_path, "with --webhook-port: the path to serve");
  sub->add_option("--webhook-bind", a->webhook_bind, "with --webhook-port: the listen address")
      ->capture_default_str();
  sub->add_option("--key", a->key,
                  "this sale's idempotency key (e.g. the POS order id; A-Z a-z 0-9 . _ : -, at "
                  "most 64): with --store, the same key never creates a second payment request");
  add_store_option(*sub, a->store);
  log::add_option(*sub);
  add_wait_for_terminal_flag(*sub, a->wait_for_terminal);
  sub->add_flag("--keep-open", a->keep_open,
                "when the charge ends unpaid, leave its payment request payable (a customer who "
                "will pay by the offline reference): recorded open, its terminal kept for "
                "--timeout + 30 s, a late payment recorded by `charges reconcile`. Without it an "
                "unpaid charge archives its request");
  sub->add_option("--lease-ttl", a->lease_ttl,
                  "with --store: seconds the terminal's lease lasts unless renewed (renewed every "
                  "third while the charge runs; a crashed charge frees its terminal within it)")
      ->check(CLI::Range(1u, 600u))
      ->default_str("10");
  sub->add_option("--verify-interval", a->verify_interval,
                  "how often to verify the payment while waiting without webhooks: 3s "
                  "(default), 500ms, ...")
      ->type_name("DURATION");
  sub->footer(
      "With --key and --store every stage is recorded before it happens: running the same\n"
      "command again resumes an unfinished charge, or prints the recorded outcome of a finished\n"
      "one (same exit code) without calling Paystack. See doc/charges.md.\n"
      "Steps: check the terminal is online and available, create a payment request, push it to\n"
      "the terminal (once, never repeated), wait until the terminal shows it, wait for the\n"
      "outcome (webhooks when --webhook-port is given, Verify Payment Request otherwise).\n"
      "--timeout bounds the whole charge (default 3m). Ctrl-C cancels it cleanly.\n"
      "Exit codes: 0 paid, 1 declined/offline/busy/refused, 2 usage, 3 not delivered/timed "
      "out/network, 130 interrupted.\n\n"
      "Example:\n"
      "  paystack-terminal charge 2872S934 --amount 5000 --customer CUS_xwaj0txjryg393b \\\n"
      "      --description \"Table 4\"");
  sub->callback([&ctx, a] {
    if (a->currency) {
      for (auto& ch : *a->currency) ch = static_cast<char>(std::toupper(ch));
    }
    ctx.action = [&ctx, a] { return run_charge_command(ctx, *a); };
  });
}

}  // namespace cli
