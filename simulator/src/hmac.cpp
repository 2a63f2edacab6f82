// HMAC-SHA512 for webhook signatures (OpenSSL).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "engine.hpp"

namespace paystack::sim::detail {

std::string hmac_sha512_hex(std::string_view key, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  // An empty body has a valid (non-null) pointer to avoid OpenSSL treating it specially.
  static const unsigned char empty = 0;
  const auto* data = body.empty() ? &empty : reinterpret_cast<const unsigned char*>(body.data());
  if (HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data, body.size(), digest.data(),
           &len) == nullptr) {
    return {};
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

}  // namespace paystack::sim::detail
