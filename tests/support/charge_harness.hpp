// "Run a charge and wait": the one harness of the flow and fleet tests (issue 22, item 6).
// start_charge and start_resume start the operation with a handler that fulfils a future;
// wait_charge waits for it, bounded, and fails the test (an empty pair) when it does not come,
// so a hung charge is a failure, never a hung test.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <string>
#include <utility>

namespace paystack::test {

/// What a charge's handler receives.
using charge_outcome_pair = std::pair<boost::system::error_code, charge_result>;

/// A charge's handler that fulfils `promise` with what it receives.
inline auto fulfil(std::shared_ptr<std::promise<charge_outcome_pair>> promise) {
  return [promise](boost::system::error_code ec, charge_result r) {
    promise->set_value({ec, std::move(r)});
  };
}

/// Starts async_charge_on_terminal; the future is ready once its handler ran. With a connected
/// `slot`, emitting its signal cancels the charge.
inline std::future<charge_outcome_pair> start_charge(const terminal_client& client,
                                                     std::string terminal, charge_params params,
                                                     boost::asio::cancellation_slot slot = {}) {
  auto promise = std::make_shared<std::promise<charge_outcome_pair>>();
  auto fut = promise->get_future();
  async_charge_on_terminal(client, std::move(terminal), std::move(params),
                           boost::asio::bind_cancellation_slot(slot, fulfil(promise)));
  return fut;
}

/// Starts async_resume_charge of `key` (charges resume KEY), as start_charge.
inline std::future<charge_outcome_pair> start_resume(const terminal_client& client,
                                                     std::shared_ptr<charge_store> store,
                                                     std::string key, charge_params params) {
  auto promise = std::make_shared<std::promise<charge_outcome_pair>>();
  auto fut = promise->get_future();
  async_resume_charge(client, std::move(store), std::move(key), std::move(params), fulfil(promise));
  return fut;
}

/// The charge's outcome, waited for at most `limit`; a test failure and an empty pair when it
/// did not come.
inline charge_outcome_pair wait_charge(std::future<charge_outcome_pair>& f,
                                       std::chrono::seconds limit = std::chrono::seconds(15)) {
  if (f.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "the charge did not complete within " << limit.count() << " s";
    return {};
  }
  return f.get();
}

}  // namespace paystack::test
