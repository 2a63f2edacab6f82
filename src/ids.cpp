#include "ids.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

std::string check_id(std::string_view what, std::string_view id) {
  if (id.empty()) return std::string(what) + " must not be empty";
  if (id.size() > max_id_length)
    return std::string(what) + " is longer than " + std::to_string(max_id_length) + " characters";
  return {};
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
