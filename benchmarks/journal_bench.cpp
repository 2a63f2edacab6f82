// paystack-journal-bench: the charge journal's cost per charge (issue 14): one begin and the six
// saves a paid charge records (creating, created, pushing, pushed, delivered, finished), in
// memory and in a SQLite file (WAL, synchronous=FULL), one charge after the other.
// Usage: paystack-journal-bench [CHARGES] [SQLITE_PATH]   (defaults: 200, ./journal-bench.db)
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>
#include <string>
#include <thread>

namespace {

using clock_type = std::chrono::steady_clock;

/// Runs `charges` journalled charges through `store`; returns microseconds per charge.
double run(paystack::charge_store& store, int charges) {
  using paystack::charge_journal_stage;
  const auto start = clock_type::now();
  for (int i = 0; i < charges; ++i) {
    paystack::charge_record rec;
    rec.key = "bench-" + std::to_string(i);
    rec.terminal_id = "T0000001";
    rec.customer = "CUS_bench";
    rec.amount = 5000;
    std::promise<paystack::charge_record> begun;
    store.async_begin(rec, [&](boost::system::error_code, paystack::charge_record r, bool) {
      begun.set_value(std::move(r));
    });
    rec = begun.get_future().get();
    for (auto s : {charge_journal_stage::creating, charge_journal_stage::created,
                   charge_journal_stage::pushing, charge_journal_stage::pushed,
                   charge_journal_stage::delivered, charge_journal_stage::finished}) {
      rec.stage = s;
      if (s == charge_journal_stage::finished) rec.outcome = paystack::charge_outcome::paid;
      std::promise<paystack::charge_record> saved;
      store.async_save(rec, "detail", [&](boost::system::error_code ec, paystack::charge_record r) {
        if (ec) std::fprintf(stderr, "save failed: %s\n", ec.message().c_str());
        saved.set_value(std::move(r));
      });
      rec = saved.get_future().get();
    }
  }
  const auto us = std::chrono::duration<double, std::micro>(clock_type::now() - start).count();
  return us / charges;
}

}  // namespace

int main(int argc, char** argv) {
  const int charges = argc > 1 ? std::stoi(argv[1]) : 200;
  const std::string path = argc > 2 ? argv[2] : "journal-bench.db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread t([&] { io.run(); });
  auto memory = paystack::make_memory_charge_store(io.get_executor());
  const double mem_us = run(*memory, charges);
  boost::system::error_code ec;
  std::string why;
  auto sqlite = paystack::open_charge_store(io.get_executor(), path, ec, why);
  if (!sqlite) {
    std::fprintf(stderr, "%s\n", why.c_str());
    return 1;
  }
  const double sql_us = run(*sqlite, charges);
  std::printf("charges: %d (7 records each)\n", charges);
  std::printf("memory: %.1f us per charge\n", mem_us);
  std::printf("sqlite: %.1f us per charge (%.1f us per record), file %s\n", sql_us, sql_us / 7,
              path.c_str());
  sqlite.reset();
  memory.reset();
  guard.reset();
  t.join();
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return 0;
}
