// event-status TERMINAL_ID EVENT_ID.
#include "common.hpp"

namespace cli {

void add_event_status_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "event-status", "Has the terminal received an event? (Fetch Event Status, within 48 hours)");
  auto ids = std::make_shared<std::pair<std::string, std::string>>();
  sub->add_option("TERMINAL_ID", ids->first, "the terminal's id")->required();
  sub->add_option("EVENT_ID", ids->second, "the event id printed by send-event")->required();
  sub->footer("Example:\n  paystack-terminal event-status 2872S934 616d721e8c5cd40a0cdd54a6");
  sub->callback([&ctx, ids] {
    ctx.action = [&ctx, ids] {
      return run_operation<paystack::event_status>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_fetch_event_status(ids->first, ids->second, std::move(handler));
          },
          [&](const paystack::response<paystack::event_status>& r) {
            print_fields(std::cout, {{"terminal id", ids->first},
                                     {"event id", ids->second},
                                     {"delivered", yes_no(r.data->delivered)}});
          });
    };
  });
}

}  // namespace cli
