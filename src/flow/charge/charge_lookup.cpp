// find_request_by_key: the payment request of a charge key at Paystack, by List Payment
// Requests (GET /paymentrequest?customer=&from=&to=&perPage=100&page=N) and the key marker.
#include "charge_lookup.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <ctime>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>

#include "charge_journal.hpp"
#include "failpoint.hpp"
#include "store/store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

constexpr std::int64_t per_page = 100;
constexpr std::int64_t max_pages = 20;

/// What a Verify or Fetch reply says of the request.
request_check answered(const payment_request& pr) {
  request_check out;
  out.answered = true;
  out.paid = pr.paid || pr.status == "success";
  out.archived = pr.archived.value_or(false);
  out.status = pr.status;
  return out;
}

}  // namespace

std::string iso8601_utc(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

boost::asio::awaitable<request_lookup> find_request_by_key(const terminal_client& client,
                                                           std::string customer, std::string key,
                                                           std::int64_t started_at_ms) {
  request_lookup out;
  payment_request_client api(client);
  for (std::int64_t page = 1; page <= max_pages; ++page) {
    list_payment_requests_params lp;
    lp.customer = customer;
    lp.include_archive = true;
    lp.from = iso8601_utc(started_at_ms - lookup_window_ms);
    lp.to = iso8601_utc(unix_ms() + lookup_window_ms);
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

boost::asio::awaitable<request_check> check_request(const terminal_client& client,
                                                    std::string request_code) {
  request_check out;
  payment_request_client api(client);
  auto verify = api.async_verify_payment_request(request_code,
                                                 boost::asio::as_tuple(boost::asio::use_awaitable));
  auto [ec, resp] = co_await std::move(verify);
  if (!ec && resp.ok()) {
    co_return answered(*resp.data);
  }
  if (ec || resp.status_code < 400 || resp.status_code >= 500) {
    out.ec = ec ? ec : make_error_code(error::bad_response);
    out.detail = ec ? "could not verify " + request_code + ": " + ec.message()
                    : "Verify Payment Request answered HTTP " + std::to_string(resp.status_code) +
                          ": " + resp.message;
    co_return out;
  }
  // Refused (an archived request cannot be verified): Fetch says what it is.
  auto fetch = api.async_fetch_payment_request(request_code,
                                               boost::asio::as_tuple(boost::asio::use_awaitable));
  auto [ec2, fetched] = co_await std::move(fetch);
  if (ec2 || !fetched.ok()) {
    out.ec = ec2 ? ec2 : make_error_code(error::bad_response);
    out.detail = "Verify Payment Request answered HTTP " + std::to_string(resp.status_code) + " (" +
                 resp.message + ") and Fetch " +
                 (ec2 ? ec2.message() : "HTTP " + std::to_string(fetched.status_code));
    co_return out;
  }
  co_return answered(*fetched.data);
}

boost::asio::awaitable<request_close> close_request(const terminal_client& client,
                                                    std::string request_code,
                                                    std::string failpoints) {
  using boost::asio::as_tuple;
  using boost::asio::use_awaitable;
  request_close out;
  auto before = check_request(client, request_code);
  auto first = co_await std::move(before);
  if (first.answered && first.paid) {
    out.paid = true;
    co_return out;
  }
  failpoint(failpoints + "before_archive");
  payment_request_client api(client);
  auto archive = api.async_archive_payment_request(request_code, as_tuple(use_awaitable));
  auto [aec, resp] = co_await std::move(archive);
  failpoint(failpoints + "after_archive");
  const bool archived_now = !aec && resp.ok();
  // Whether or not the archive was answered, the request's state now decides.
  auto after = check_request(client, request_code);
  auto last = co_await std::move(after);
  if (last.answered && last.paid) {
    out.paid = true;
  } else if (last.answered && (last.archived || archived_now)) {
    out.closed = true;
  } else if (archived_now) {
    out.detail = "archived, but the check after it failed: " + last.detail;
  } else {
    out.detail = aec ? "the archive failed: " + aec.message()
                     : "the archive was refused: HTTP " + std::to_string(resp.status_code) + " " +
                           resp.message;
  }
  co_return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
