// paystack/store_url.hpp: a charge store opened from its URL ("memory:", "sqlite:PATH" or a
// plain PATH, "postgres://user@host:port/db"), as the CLI's --store takes it. Header only: it
// calls both store libraries, so a program that uses it links paystack::sqlite and
// paystack::postgresql (a program that needs one engine calls its opener directly:
// paystack/sqlite_store.hpp, paystack/postgresql_store.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/export.hpp>
#include <paystack/postgresql_store.hpp>
#include <paystack/sqlite_store.hpp>
#include <string>
#include <string_view>
#include <utility>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Opens the store `url` names (parse_charge_store_url): make_memory_charge_store,
/// open_sqlite_charge_store or open_postgresql_charge_store, whose documentation says what each
/// does and how it fails. Null, with `ec` and `why` set, when it cannot be opened:
/// error::invalid_argument (a bad URL, `why` says why), or the opener's error.
inline std::shared_ptr<charge_store> open_charge_store(boost::asio::any_io_executor executor,
                                                       std::string_view url,
                                                       boost::system::error_code& ec,
                                                       std::string& why,
                                                       int busy_timeout_ms = 5000) {
  ec = {};
  why.clear();
  const auto where = parse_charge_store_url(url, &why);
  if (!where) {
    ec = error::invalid_argument;
    return nullptr;
  }
  switch (where->engine) {
    case charge_store_engine::memory:
      return make_memory_charge_store(std::move(executor));
    case charge_store_engine::postgres:
      return open_postgresql_charge_store(std::move(executor), where->path, ec, why,
                                          busy_timeout_ms);
    case charge_store_engine::sqlite:
      break;
  }
  return open_sqlite_charge_store(std::move(executor), where->path, ec, why, busy_timeout_ms);
}

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
