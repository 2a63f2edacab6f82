// find_request_by_key: the payment request of a charge key at Paystack.
#include "charge_lookup.hpp"

namespace paystack::detail {

boost::asio::awaitable<request_lookup> find_request_by_key(const terminal_client&, std::string,
                                                           std::string, std::int64_t) {
  // The list of payment requests is not in the library yet: without it, a request cannot be
  // proven absent, so nothing is created.
  request_lookup out;
  out.detail = "listing payment requests is not available";
  co_return out;
}

}  // namespace paystack::detail
