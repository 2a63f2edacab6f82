# The ABI check (doc/api-policy.md, scripts/check-abi.sh): include(abi.cmake) from
# tests/package/CMakeLists.txt. Needs abidw and abidiff (Debian's abigail-tools,
# scripts/install-deps.sh); without them both tests fail (exit 2) rather than skip.
set(paystack_check_abi ${CMAKE_CURRENT_LIST_DIR}/../../scripts/check-abi.sh)

# The check can fail: a fixture library with a planted incompatible change fails it, the same
# change with a new SONAME and a mere addition pass (tests/package/abi_fixture/). Needs no part
# of paystack.
add_test(NAME package.abi_check_catches_a_planted_change
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/abi_fixture_check.sh ${CMAKE_CURRENT_LIST_DIR}/abi_fixture
                 ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(package.abi_check_catches_a_planted_change PROPERTIES LABELS package TIMEOUT 300)

# libpaystack.so.0 against the committed baseline; only the types of the public headers count.
# The library must carry full DWARF (-g): check-abi.sh refuses one compiled with -g1 (exit 2).
if(TARGET paystack AND BUILD_SHARED_LIBS)
  add_test(NAME package.abi_matches_baseline
           COMMAND bash ${paystack_check_abi} check $<TARGET_FILE:paystack>
                   ${PROJECT_SOURCE_DIR}/abi/libpaystack.so.0.abi.xz --headers-dir ${PROJECT_SOURCE_DIR}/include)
  set_tests_properties(package.abi_matches_baseline PROPERTIES LABELS package TIMEOUT 600)
endif()
