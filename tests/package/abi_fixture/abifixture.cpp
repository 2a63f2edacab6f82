#include <abifixture/abifixture.hpp>

namespace abifixture {
inline namespace v0 {
namespace {

// A type of the implementation, defined outside the public headers: it is not part of the ABI
// (check-abi.sh --headers with abidw --drop-private-types leaves it out).
struct private_state {
  int calls = 0;
};

private_state state;

}  // namespace

int total(const options& o) {
  ++state.calls;
  return o.timeout_ms + o.port;
}

std::string describe(const options& o) {
  ++state.calls;
  return "timeout_ms=" + std::to_string(o.timeout_ms) + " port=" + std::to_string(o.port);
}

struct counter::impl {
#ifdef ABIFIXTURE_PRIVATE_CHANGE
  long long started = 0;
#endif
  int count = 0;
};

counter::counter() : impl_(std::make_unique<impl>()) {}

counter::~counter() = default;

int counter::next() {
  return ++impl_->count;
}

#ifdef ABIFIXTURE_ADDED_FUNCTION
int twice(int x) {
  return 2 * x;
}
#endif

}  // namespace v0
}  // namespace abifixture
