// commission SERIAL, decommission SERIAL.
#include <boost/json/parse.hpp>

#include "common.hpp"

namespace cli {
namespace {

/// `data.terminal_id` of a commission reply (typed as empty by the library), if present.
std::optional<std::string> terminal_id_of(std::string_view raw) {
  boost::system::error_code ec;
  auto v = boost::json::parse(raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* data = v.as_object().if_contains("data");
  if (data == nullptr || !data->is_object()) return std::nullopt;
  const auto* id = data->as_object().if_contains("terminal_id");
  if (id == nullptr || !id->is_string()) return std::nullopt;
  return std::string(id->as_string());
}

void add_one(CLI::App& app, context& ctx, bool commission) {
  auto* sub = app.add_subcommand(
      commission ? "commission" : "decommission",
      commission ? "Commission a device: make it a terminal of your integration (Commission "
                   "Terminal)"
                 : "Decommission a device: remove it from your integration (Decommission "
                   "Terminal)");
  auto serial = std::make_shared<std::string>();
  sub->add_option("SERIAL", *serial, "serial number of the device (on its back or settings)")
      ->required();
  sub->footer(commission ? "Example:\n  paystack-terminal commission 033301504100A563877"
                         : "Example:\n  paystack-terminal decommission 033301504100A563877");
  sub->callback([&ctx, serial, commission] {
    ctx.action = [&ctx, serial, commission] {
      return run_operation<paystack::empty>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            if (commission) {
              c.async_commission_terminal(*serial, std::move(handler));
            } else {
              c.async_decommission_terminal(*serial, std::move(handler));
            }
          },
          [&](const paystack::response<paystack::empty>& r) {
            std::cout << server_text(r.message) << '\n';
            if (commission) {
              print_fields(std::cout, {{"serial number", *serial},
                                       {"terminal id", or_dash(terminal_id_of(r.raw_body))}});
            } else {
              print_fields(std::cout, {{"serial number", *serial}});
            }
          });
    };
  });
}

}  // namespace

void add_commission_commands(CLI::App& app, context& ctx) {
  add_one(app, ctx, true);
  add_one(app, ctx, false);
}

}  // namespace cli
