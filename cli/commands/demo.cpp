// demo: the whole in-person payment flow against an embedded simulator. No key, no network.
#include <boost/asio/steady_timer.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/webhook_server.hpp>

#include "charge_view.hpp"

namespace cli {
namespace {

constexpr const char* demo_key = "sk_test_simulator";
constexpr const char* demo_customer = "CUS_xwaj0txjryg393b";

struct demo_args {
  std::int64_t amount = 5000;
  bool decline = false;
  bool ui = false;  ///< the customer is whoever uses the live page (no auto-pay)
  std::uint64_t seed = 1;
};

/// The simulator of the demo: three online terminals, webhooks to `webhook_url`, the customer
/// paying after a second unless they decline or are a person on the live page.
paystack::sim::server_options demo_sim_options(const demo_args& a, const std::string& webhook_url) {
  paystack::sim::server_options so;
  so.secret_key = demo_key;
  so.seed = a.seed;
  so.webhook_url = webhook_url;
  so.delivery_delay = std::chrono::milliseconds{400};
  so.auto_pay_delay = a.decline || a.ui
                          ? std::nullopt
                          : std::optional<std::chrono::milliseconds>(std::chrono::seconds(1));
  return so;
}

void print_started(std::ostream& out, paystack::sim::server& sim, const std::string& hooks_url,
                   bool ui) {
  out << "1. Simulator running at " << sim.base_url() << " with " << sim.terminal_ids().size()
      << " terminals; webhook receiver at " << hooks_url << "\n";
  if (ui) {
    out << "   Live page: " << sim.base_url()
        << "/_sim/ui\n   Open it in a browser: you are the customer. When the terminal shows "
           "the invoice,\n   pay by card, decline, walk away or pay later by the offline "
           "reference.\n";
  }
  out << '\n';
}

/// Step 2 (List Terminals): prints them and gives the first one's id; on failure, reports it
/// and sets `code`.
std::optional<std::string> list_step(const global_options& g, boost::asio::io_context& ioc,
                                     paystack::terminal_client& client, bool& interrupted,
                                     int& code) {
  std::ostream& out = std::cout;
  auto [lec, list] = run_cancellable<paystack::response<std::vector<paystack::terminal>>>(
      ioc, [&](auto handler) { client.async_list_terminals({.per_page = 10}, std::move(handler)); },
      interrupted);
  if (lec || !list.ok() || list.data->empty()) {
    code = report_failure(g, lec, list.status_code, list.message, list.code, list.type,
                          list.next_step, list.error_detail, list.raw_body, interrupted);
    return std::nullopt;
  }
  out << "2. The integration's terminals (GET /terminal):\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : *list.data) {
    rows.push_back({"  " + t.terminal_id, or_dash(t.name), or_dash(t.serial_number), t.status});
  }
  print_table(out, {"  TERMINAL ID", "NAME", "SERIAL NUMBER", "STATUS"}, rows);
  return list.data->front().terminal_id;
}

/// What the charge step works with.
struct demo_charge {
  const global_options& g;
  const demo_args& a;
  boost::asio::io_context& ioc;
  paystack::terminal_client& client;
  paystack::sim::server& sim;
  paystack::webhook_server& hooks;
};

/// Step 3: the charge on `terminal_id`, its progress and result printed; the exit code.
int charge_step(const demo_charge& d, const std::string& terminal_id, bool& interrupted) {
  std::ostream& out = std::cout;
  const auto& a = d.a;
  out << "\n3. Charging " << format_amount(a.amount, "NGN") << " to customer " << demo_customer
      << " on terminal " << terminal_id
      << (a.decline ? " (the customer will decline)"
          : a.ui    ? " (the customer is you, on the live page)"
                    : "")
      << ":\n";
  paystack::charge_params p;
  p.customer = demo_customer;
  p.amount = a.amount;
  p.description = "paystack-terminal demo";
  // On the live page a person decides: more time, and walking away ends at the timeout.
  p.timeout = d.g.timeout_set ? d.g.timeout : std::chrono::seconds(a.ui ? 120 : 60);
  p.delivery_poll_initial = std::chrono::milliseconds{250};
  p.webhooks = d.hooks.feed();
  progress_printer progress(out, is_tty(1) && !d.g.json, "   ");
  boost::asio::steady_timer decline_timer(d.ioc);
  p.on_progress = [&, progress](const paystack::charge_progress& pr) {
    progress(pr);
    if (a.decline && pr.stage == paystack::charge_stage::awaiting_payment && pr.poll == 0 &&
        pr.request_code) {
      // The "customer" declines on the device a moment after it shows the request.
      decline_timer.expires_after(std::chrono::milliseconds{800});
      decline_timer.async_wait(
          [&sim = d.sim, code = *pr.request_code](boost::system::error_code ec) {
            if (!ec) (void)sim.decline_payment(code);
          });
    }
  };
  auto [ec, r] = run_charge(d.ioc, d.client, terminal_id, std::move(p), interrupted);
  progress.finish();
  decline_timer.cancel();
  out << '\n';
  print_charge_result(out, terminal_id, ec, r, "   ");
  return charge_exit_code(ec, r, interrupted);
}

/// Step 4: the webhooks, once every one the simulator sent has been answered (bounded wait).
void webhooks_step(boost::asio::io_context& ioc, paystack::sim::server& sim,
                   const std::vector<std::string>& received, bool interrupted) {
  std::ostream& out = std::cout;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!interrupted && received.size() < sim.webhook_log().size() &&
         std::chrono::steady_clock::now() < deadline) {
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds{50});
  }
  out << "\n4. Webhooks received (signature verified, duplicates dropped):\n";
  for (const auto& line : received) out << "   " << line << '\n';
  if (received.empty()) out << "   (none)\n";
}

int run_demo(const global_options& g, const demo_args& a) {
  std::ostream& out = std::cout;
  boost::asio::io_context ioc;

  out << "paystack-terminal demo: an in-person payment, start to finish, against a built-in\n"
         "Paystack simulator (no account, no key, no network needed).\n\n";

  // A webhook receiver, so that the simulator's signed webhooks decide the outcome.
  std::vector<std::string> received;
  paystack::webhook_server_options wo;
  wo.secret_key = demo_key;
  wo.on_event = [&](const paystack::webhook_event& e) { received.push_back(describe_webhook(e)); };
  paystack::webhook_server hooks(ioc.get_executor(), std::move(wo));
  hooks.start();

  paystack::sim::server sim(demo_sim_options(a, hooks.url()));
  sim.start();
  print_started(out, sim, hooks.url(), a.ui);

  paystack::client_options co;
  co.secret_key = demo_key;
  co.base_url = sim.base_url();
  co.user_agent_suffix = "paystack-terminal-demo";
  co.logger = make_logger(g.verbose);
  int code = exit_ok;
  {
    paystack::terminal_client client(ioc.get_executor(), co);
    bool interrupted = false;
    auto terminal_id = list_step(g, ioc, client, interrupted, code);
    if (!terminal_id) return code;
    code = charge_step({g, a, ioc, client, sim, hooks}, *terminal_id, interrupted);
    webhooks_step(ioc, sim, received, interrupted);
  }
  hooks.stop();
  ioc.restart();
  ioc.poll();
  sim.stop();
  out << "\n"
      << (code == exit_ok ? "Done: the customer paid." : "Done: the customer did not pay.")
      << " Next: run `paystack-terminal sim` and point the other commands at it\n"
         "(--base-url http://127.0.0.1:7000 --secret-key sk_test_simulator), or use your "
         "test key.\n"
      << std::flush;
  return code;
}

}  // namespace

void add_demo_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "demo", "Run the whole in-person payment flow against a built-in simulator (no key needed)");
  auto a = std::make_shared<demo_args>();
  sub->add_option("--amount", a->amount, "amount in kobo (5000 = NGN 50.00)")
      ->check(integer_in(1, 1'000'000'000))
      ->capture_default_str();
  auto* decline = sub->add_flag("--decline", a->decline, "the customer declines on the terminal");
  sub->add_flag("--ui", a->ui,
                "you are the customer: act on the simulator's live page (its address is printed; "
                "the charge waits up to 120 s, or --timeout)")
      ->excludes(decline);
  sub->add_option("--seed", a->seed, "simulator seed (the ids it generates)")
      ->capture_default_str();
  sub->footer(
      "Starts a simulator on a free loopback port and a webhook receiver, lists the terminals,\n"
      "then charges a customer on the first one: presence, payment request, push, delivery,\n"
      "payment, webhooks. Exit code 0 when the customer paid (1 with --decline).\n\n"
      "Examples:\n  paystack-terminal demo\n  paystack-terminal demo --decline\n"
      "  paystack-terminal demo --ui");
  sub->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_demo(ctx.opts, *a); }; });
}

}  // namespace cli
