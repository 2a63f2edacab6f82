// Lists every terminal of the integration, page by page, from a coroutine.
// Configuration comes from PAYSTACK_SECRET_KEY (and PAYSTACK_BASE_URL, e.g. a simulator).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <paystack/paystack.hpp>

namespace asio = boost::asio;

asio::awaitable<int> list_terminals(paystack::terminal_client client) {
  paystack::list_terminals_params params{.per_page = 2};
  for (;;) {
    // as_tuple: errors come back as values instead of exceptions.
    auto [ec, page] =
        co_await client.async_list_terminals(params, asio::as_tuple(asio::use_awaitable));
    if (ec || !page.ok()) {
      std::cerr << "list failed: " << (ec ? ec.message() : page.message) << '\n';
      co_return 1;
    }
    for (const auto& t : *page.data) {
      std::cout << t.terminal_id << "  " << t.name.value_or("-") << "  " << t.status << '\n';
    }
    if (!page.meta.next) co_return 0;  // last page
    params.next = page.meta.next;      // opaque cursor from the reply
  }
}

int main() {
  asio::io_context ioc;
  paystack::terminal_client client(ioc.get_executor());
  int exit_code = 1;
  asio::co_spawn(ioc, list_terminals(client),
                 [&](std::exception_ptr e, int code) { exit_code = e ? 2 : code; });
  ioc.run();
  return exit_code;
}
