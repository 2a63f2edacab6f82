// A program that compiles Asio in a file of its own (asio_impl.cpp,
// BOOST_ASIO_SEPARATE_COMPILATION) and uses the installed libpaystack: lists the terminals of the
// simulator PAYSTACK_BASE_URL names, with an Asio timer of its own beside the call, so both Asios
// run in one io_context.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <iostream>
#include <paystack/paystack.hpp>

#ifndef BOOST_ASIO_SEPARATE_COMPILATION
#error "this consumer proves a program with its own separately compiled Asio links"
#endif

namespace asio = boost::asio;

asio::awaitable<int> run(paystack::terminal_client client) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable);
  auto [ec, page] = co_await client.async_list_terminals(paystack::list_terminals_params{},
                                                         asio::as_tuple(asio::use_awaitable));
  if (ec || !page.ok()) {
    std::cerr << "list failed: " << (ec ? ec.message() : page.message) << '\n';
    co_return 1;
  }
  for (const auto& t : *page.data)
    std::cout << t.terminal_id << "  " << t.name.value_or("-") << '\n';
  co_return 0;
}

int main() {
  asio::io_context ioc;
  paystack::terminal_client client(ioc.get_executor());
  int code = 1;
  asio::co_spawn(ioc, run(client), [&](std::exception_ptr e, int c) { code = e ? 2 : c; });
  ioc.run();
  return code;
}
