// Opens the SQLite store alone (paystack::sqlite, no PostgreSQL) in the file argv[1] and prints
// what it is: a program that needs one store links that store's library only.
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <paystack/sqlite_store.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  boost::asio::io_context ioc;
  boost::system::error_code ec;
  std::string why;
  auto store = paystack::open_sqlite_charge_store(ioc.get_executor(), argv[1], ec, why);
  if (!store) {
    std::cerr << "open failed: " << why << '\n';
    return 1;
  }
  std::cout << "sqlite store: " << store->describe() << '\n';
  return 0;
}
