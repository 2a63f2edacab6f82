// find_request_by_key: the payment request of a charge key at Paystack, by List Payment
// Requests (GET /paymentrequest?customer=&from=&to=&perPage=100&page=N) and the key marker.
#include "charge_lookup.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <ctime>
#include <paystack/payment_request_client.hpp>

#include "charge_journal.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// "2026-11-28T09:12:00.000Z" for a Unix time in ms.
std::string iso8601(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

constexpr std::int64_t window_ms = 10 * 60 * 1000;
constexpr std::int64_t per_page = 100;
constexpr std::int64_t max_pages = 20;

}  // namespace

boost::asio::awaitable<request_lookup> find_request_by_key(const terminal_client& client,
                                                           std::string customer, std::string key,
                                                           std::int64_t started_at_ms) {
  request_lookup out;
  payment_request_client api(client);
  for (std::int64_t page = 1; page <= max_pages; ++page) {
    list_payment_requests_params lp;
    lp.customer = customer;
    lp.include_archive = true;
    lp.from = iso8601(started_at_ms - window_ms);
    lp.to = iso8601(unix_ms() + window_ms);
    lp.per_page = per_page;
    lp.page = page;
    ++out.calls;
    auto op = api.async_list_payment_requests(std::move(lp),
                                              boost::asio::as_tuple(boost::asio::use_awaitable));
    auto [ec, resp] = co_await std::move(op);
    if (ec || !resp.ok()) {
      out.ec = ec;
      out.detail = ec ? ec.message()
                      : "List Payment Requests answered HTTP " + std::to_string(resp.status_code) +
                            ": " + resp.message;
      co_return out;
    }
    for (auto& pr : *resp.data) {
      if (!has_charge_key_marker(pr.description, key)) continue;
      if (!out.request || pr.id < out.request->id) out.request = pr;
    }
    const auto count = static_cast<std::int64_t>(resp.data->size());
    const bool last = count < per_page || (resp.meta.page_count && page >= *resp.meta.page_count);
    if (last) {
      out.answered = true;
      co_return out;
    }
  }
  out.detail = "more than " + std::to_string(max_pages * per_page) +
               " payment requests of the customer in the window";
  co_return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
