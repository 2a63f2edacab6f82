#include <paystack/error.hpp>
#include <string>

namespace paystack {
inline namespace v0 {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "paystack"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::missing_secret_key:
        return "no secret key: set client_options::secret_key or PAYSTACK_SECRET_KEY";
      case error::invalid_argument:
        return "invalid argument, refused before sending";
      case error::invalid_base_url:
        return "invalid base URL";
      case error::insecure_transport:
        return "plain http:// is allowed only for loopback addresses";
      case error::bad_response:
        return "the reply is not a valid Paystack response";
      case error::response_too_large:
        return "the reply exceeds the configured size limit";
      case error::timeout:
        return "the operation timed out";
      case error::connection_failed:
        return "the connection failed before a complete reply arrived";
      case error::tls_failed:
        return "TLS handshake or certificate verification failed";
      case error::too_many_redirects:
        return "too many redirects";
      case error::store_failed:
        return "the charge store could not read or write";
      case error::store_conflict:
        return "the charge was changed by another writer";
      case error::store_too_new:
        return "the charge store was written by a newer version of the library";
    }
    return "unknown paystack error";
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace v0
}  // namespace paystack
