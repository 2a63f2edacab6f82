// send-event TERMINAL_ID --type invoice|transaction --action process|view|print --id ID
//            [--reference REF]
#include "common.hpp"

namespace cli {

void add_send_event_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("send-event",
                                 "Push an invoice or a transaction to a terminal (Send Event)");
  struct args {
    std::string terminal_id;
    std::string type;
    std::string action;
    std::int64_t id = 0;
    std::optional<std::string> reference;
    std::optional<paystack::terminal_event> event;
  };
  auto a = std::make_shared<args>();
  sub->add_option("TERMINAL_ID", a->terminal_id, "the terminal's id")->required();
  sub->add_option("--type", a->type, "invoice or transaction")
      ->required()
      ->check(CLI::IsMember({"invoice", "transaction"}));
  sub->add_option("--action", a->action, "invoice: process or view; transaction: process or print")
      ->required()
      ->check(CLI::IsMember({"process", "view", "print"}));
  sub->add_option("--id", a->id, "payment request id (invoice) or transaction id (transaction)")
      ->required()
      ->check(positive_integer());
  sub->add_option("--reference", a->reference,
                  "offline reference of the payment request (required for invoice events)");
  sub->footer(
      "Paystack accepts four pairs: invoice+process, invoice+view, transaction+process,\n"
      "transaction+print. Anything else is refused before anything is sent (exit 2).\n"
      "Prints the event id; follow it with `event-status`.\n\n"
      "Examples:\n"
      "  paystack-terminal send-event 2872S934 --type invoice --action process \\\n"
      "      --id 7895939 --reference 4634337895939\n"
      "  paystack-terminal send-event 2872S934 --type transaction --action print --id 1504248187");
  sub->callback([&ctx, a] {
    auto type = paystack::parse_event_type(a->type);
    auto action = paystack::parse_event_action(a->action);
    if (!type || !action) throw CLI::ValidationError("--type/--action", "unknown value");
    if (!paystack::is_valid_pair(*type, *action)) {
      throw CLI::ValidationError("--action",
                                 "Paystack does not accept " + a->type + " + " + a->action + ": " +
                                     (*type == paystack::event_type::invoice
                                          ? "invoice events take --action process or view"
                                          : "transaction events take --action process or print"));
    }
    if (*type == paystack::event_type::invoice && (!a->reference || a->reference->empty())) {
      throw CLI::ValidationError(
          "--reference", "invoice events need it (the payment request's offline_reference)");
    }
    if (*type == paystack::event_type::transaction && a->reference) {
      throw CLI::ValidationError("--reference", "only invoice events take a reference");
    }
    auto made = paystack::terminal_event::make(*type, *action, a->id, a->reference);
    if (!made) throw CLI::ValidationError("send-event", made.error().message());
    a->event = *made;
    ctx.action = [&ctx, a] {
      return run_operation<paystack::event_ack>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_send_event(a->terminal_id, *a->event, std::move(handler));
          },
          [&](const paystack::response<paystack::event_ack>& r) {
            std::cout << server_text(r.message) << '\n';
            print_fields(std::cout, {{"terminal id", a->terminal_id},
                                     {"event", a->type + " " + a->action},
                                     {"event id", r.data->id}});
            std::cout << "Check delivery with: paystack-terminal event-status " << a->terminal_id
                      << ' ' << r.data->id << '\n';
          });
    };
  });
}

}  // namespace cli
