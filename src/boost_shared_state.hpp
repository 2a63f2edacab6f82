// The Boost state a process must have once, whatever copies of Boost's header-only code it holds
// (ADR pkg-0001): force-included (-include) before every source file of the shared libpaystack
// (src/CMakeLists.txt), so that these headers are read with default visibility although the
// library is compiled with -fvisibility=hidden. cmake/libpaystack.map then exports exactly their
// data, and the dynamic linker makes the library use the program's copy:
//   - Asio's per-thread call stacks (call_stack<...>::top_, keyword_tss_ptr<...>::value_): an
//     io_context run by the program completes the library's operations, whose code asks "am I
//     inside run() on this thread?" of the same stack (two stacks crash the scheduler);
//   - the error categories of Asio, Asio.SSL and Beast (function-local statics): an error_code
//     the library returns compares equal to boost::asio::error::eof in the program.
// Every other Asio, Beast or Boost function and object the library instantiates stays hidden.
#pragma once

#pragma GCC visibility push(default)
#include <boost/asio/detail/call_stack.hpp>
#include <boost/asio/detail/strand_executor_service.hpp>
#include <boost/asio/detail/strand_service.hpp>
#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/detail/thread_info_base.hpp>
#include <boost/asio/detail/tss_ptr.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#pragma GCC visibility pop
