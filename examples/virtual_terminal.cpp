// Creates a Virtual Terminal (a till point without hardware, paid by link, QR code or WhatsApp),
// adds a WhatsApp destination, then walks every Virtual Terminal of the integration.
// Configuration comes from PAYSTACK_SECRET_KEY (and PAYSTACK_BASE_URL, e.g. a simulator).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <paystack/paystack.hpp>

namespace asio = boost::asio;

asio::awaitable<int> run(paystack::virtual_terminal_client vts) {
  constexpr auto token = asio::as_tuple(asio::use_awaitable);
  paystack::create_virtual_terminal_params params{
      .name = "Sales Point #1", .destinations = {{"2347081234567", "Front desk"}}};
  auto [ec, created] = co_await vts.async_create_virtual_terminal(params, token);
  if (ec || !created.ok()) {
    std::cerr << "create failed: " << (ec ? ec.message() : created.message) << '\n';
    co_return 1;
  }
  const std::string code = created.data->code;
  std::cout << "created " << code << '\n';

  std::vector<paystack::destination_params> more{{"2341234567890", "Back office"}};
  auto [ec2, assigned] = co_await vts.async_assign_destinations(code, more, token);
  if (ec2 || !assigned.ok()) {
    std::cerr << "assign failed: " << (ec2 ? ec2.message() : assigned.message) << '\n';
    co_return 1;
  }

  // Every Virtual Terminal, one page in memory at a time (cursor or numbered pages alike).
  auto print = [](const paystack::virtual_terminal& t) {
    std::cout << t.code << "  " << t.name << "  " << (t.active ? "active" : "inactive") << '\n';
    return true;  // false would stop the walk
  };
  auto [ec3, walked] =
      co_await vts.async_for_each_virtual_terminal({.per_page = 20}, 1000, print, token);
  if (ec3 || !walked.ok()) {
    std::cerr << "list failed: " << (ec3 ? ec3.message() : walked.message) << '\n';
    co_return 1;
  }
  std::cout << walked.data->visited << " Virtual Terminal(s)\n";
  co_return 0;
}

int main() {
  asio::io_context ioc;
  paystack::virtual_terminal_client vts(ioc.get_executor());
  int exit_code = 1;
  asio::co_spawn(ioc, run(vts), [&](std::exception_ptr e, int code) { exit_code = e ? 2 : code; });
  ioc.run();
  return exit_code;
}
