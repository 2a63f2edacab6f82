// fetch TERMINAL_ID.
#include "common.hpp"

namespace cli {

void add_fetch_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("fetch", "Show one terminal (Fetch Terminal)");
  auto id = std::make_shared<std::string>();
  sub->add_option("TERMINAL_ID", *id, "the terminal's id, e.g. 2872S934")->required();
  sub->footer(
      "Example:\n  paystack-terminal fetch 2872S934\n  paystack-terminal --json fetch "
      "2872S934");
  sub->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      return run_operation<paystack::terminal>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_fetch_terminal(*id, std::move(handler));
          },
          [](const paystack::response<paystack::terminal>& r) {
            const auto& t = *r.data;
            std::vector<std::pair<std::string, std::string>> f{
                {"terminal id", t.terminal_id},
                {"name", or_dash(t.name)},
                {"address", or_dash(t.address)},
                {"serial number", or_dash(t.serial_number)},
                {"device make", or_dash(t.device_make)},
                {"status", t.status},
                {"domain", t.domain},
                {"id", std::to_string(t.id)},
                {"integration", std::to_string(t.integration)}};
            if (t.split_code) f.emplace_back("split code", *t.split_code);
            print_fields(std::cout, f);
          });
    };
  });
}

}  // namespace cli
