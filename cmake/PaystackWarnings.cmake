# paystack_set_warnings(<target>): the project's warning set; errors when PAYSTACK_WARNINGS_AS_ERRORS.
function(paystack_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Woverloaded-virtual
      -Wimplicit-fallthrough -Wnull-dereference -Wformat=2
      # GCC 12 warns on designated initializers that omit members, which is the point of them.
      -Wno-missing-field-initializers)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC 12 reports Asio's coroutine frames (operator new/delete of awaitable_frame) as
      # mismatched at -O1 and above: a known false positive.
      target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
    endif()
    if(PAYSTACK_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
