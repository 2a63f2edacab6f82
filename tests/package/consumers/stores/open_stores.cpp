// Opens a SQLite store in the file given as argv[1] by its URL (paystack/store_url.hpp, which
// needs both store libraries), writes a charge record and reads it back; then refuses an
// unknown scheme. Prints "stores: ok" when all of it worked.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <iostream>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: open_stores FILE\n";
    return 2;
  }
  boost::asio::io_context ioc;
  boost::system::error_code ec;
  std::string why;
  auto store =
      paystack::open_charge_store(ioc.get_executor(), std::string("sqlite:") + argv[1], ec, why);
  if (!store) {
    std::cerr << "open failed: " << why << '\n';
    return 1;
  }
  paystack::charge_record rec;
  rec.key = "consumer-key-1";
  rec.terminal_id = "TRM_consumer";
  rec.amount = 5000;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread runner([&] { ioc.run(); });
  bool ok = false;
  try {
    auto [stored, inserted] = store->async_begin(rec, boost::asio::use_future).get();
    auto loaded = store->async_load(rec.key, boost::asio::use_future).get();
    ok = inserted && stored.key == rec.key && loaded && loaded->amount == 5000;
  } catch (const boost::system::system_error& e) {
    std::cerr << "store call failed: " << e.what() << '\n';
  }
  work.reset();
  runner.join();
  auto none = paystack::open_charge_store(ioc.get_executor(), "redis://x", ec, why);
  if (!ok || none || ec != paystack::error::invalid_argument) {
    std::cerr << "stores: failed\n";
    return 1;
  }
  std::cout << "stores: ok (" << store->describe() << ")\n";
  return 0;
}
