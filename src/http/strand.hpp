// The client's strand is an any_io_executor (it can wrap any executor). When it wraps an
// io_context strand, the common case, the hot path uses the concrete type: it fits
// any_completion_executor's small buffer (no allocation per hand-over) and can tell whether the
// caller already runs inside it (doc/performance.md).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace paystack {
inline namespace v0 {
namespace detail {

using io_strand = boost::asio::strand<boost::asio::io_context::executor_type>;

/// Calls f(executor) with the concrete io_strand when `strand` wraps one, else with `strand`.
template <class F>
void with_strand(const boost::asio::any_io_executor& strand, F&& f) {
  if (const auto* s = strand.target<io_strand>())
    f(*s);
  else
    f(strand);
}

/// True when the caller runs inside `strand` (known for an io_strand only; false otherwise).
inline bool running_in(const boost::asio::any_io_executor& strand) {
  const auto* s = strand.target<io_strand>();
  return s && s->running_in_this_thread();
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
