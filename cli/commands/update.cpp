// update TERMINAL_ID [--name] [--address].
#include "common.hpp"

namespace cli {

void add_update_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("update",
                                 "Rename a terminal or change its address (Update "
                                 "Terminal)");
  struct args {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> address;
  };
  auto a = std::make_shared<args>();
  sub->add_option("TERMINAL_ID", a->id, "the terminal's id, e.g. 2872S934")->required();
  sub->add_option("--name", a->name, "new name");
  sub->add_option("--address", a->address, "new address");
  sub->footer(
      "At least one of --name and --address is required.\n\n"
      "Example:\n  paystack-terminal update 2872S934 --name \"Front desk\" --address "
      "\"12 Allen Ave, Ikeja\"");
  sub->callback([&ctx, a] {
    if (!a->name && !a->address) {
      throw CLI::ValidationError("update", "give --name or --address (or both)");
    }
    ctx.action = [&ctx, a] {
      return run_operation<paystack::empty>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_update_terminal(a->id, {.name = a->name, .address = a->address},
                                    std::move(handler));
          },
          [&](const paystack::response<paystack::empty>& r) {
            std::cout << server_text(r.message) << '\n';
            std::vector<std::pair<std::string, std::string>> f{{"terminal id", a->id}};
            if (a->name) f.emplace_back("name", *a->name);
            if (a->address) f.emplace_back("address", *a->address);
            print_fields(std::cout, f);
          });
    };
  });
}

}  // namespace cli
