// Charges a customer on a terminal and waits for the outcome, in the synchronous style
// (asio::use_future, the client running on a background thread). Usage:
// charge_on_terminal [TERMINAL_ID] (default: the first terminal of the integration).
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <iostream>
#include <paystack/paystack.hpp>

namespace asio = boost::asio;

int main(int argc, char** argv) {
  asio::thread_pool pool(1);  // runs the client; main() waits on futures
  paystack::terminal_client client(pool.get_executor());
  int exit_code = 1;
  try {
    std::string terminal_id = argc > 1 ? argv[1] : "";
    if (terminal_id.empty()) {
      // With use_future an error_code becomes a boost::system::system_error exception.
      auto page = client.async_list_terminals({.per_page = 1}, asio::use_future).get();
      if (!page.ok() || page.data->empty()) throw std::runtime_error("no terminal to charge on");
      terminal_id = page.data->front().terminal_id;
    }

    paystack::charge_params params;
    params.customer = "CUS_xwaj0txjryg393b";
    params.amount = 2500;  // NGN 25.00, in kobo
    params.description = "Coffee";
    params.on_progress = [](const paystack::charge_progress& p) {
      std::cout << "  " << p.text << '\n';
    };
    auto result =
        paystack::async_charge_on_terminal(client, terminal_id, params, asio::use_future).get();
    std::cout << paystack::to_string(result.outcome) << ": " << result.reason << '\n';
    exit_code = result.outcome == paystack::charge_outcome::paid ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "charge failed: " << e.what() << '\n';
  }
  pool.join();
  return exit_code;
}
