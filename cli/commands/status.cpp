// status TERMINAL_ID: presence (online, available).
#include "common.hpp"

namespace cli {

void add_status_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "status", "Is a terminal online and available for a payment? (Fetch Terminal Status)");
  auto id = std::make_shared<std::string>();
  sub->add_option("TERMINAL_ID", *id, "the terminal's id, e.g. 2872S934")->required();
  sub->footer(
      "The terminal is ready for a payment when it is both online and available.\n\n"
      "Example:\n  paystack-terminal status 2872S934");
  sub->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      return run_operation<paystack::terminal_status>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_fetch_terminal_status(*id, std::move(handler));
          },
          [&](const paystack::response<paystack::terminal_status>& r) {
            const auto& s = *r.data;
            print_fields(std::cout, {{"terminal id", *id},
                                     {"online", yes_no(s.online)},
                                     {"available", yes_no(s.available)},
                                     {"ready", yes_no(s.online && s.available)}});
          });
    };
  });
}

}  // namespace cli
