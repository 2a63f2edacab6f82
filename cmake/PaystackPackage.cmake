# Debian packages with CPack (`cpack -G DEB` in a build directory; scripts/check-package.sh):
#
#   libpaystack-dev     headers, the static libraries, the CMake package, paystack.pc  (component dev)
#   paystack-terminal   /usr/bin/paystack-terminal and its man page                    (component terminal)
#   paystack-sim        /usr/bin/paystack-sim and its man page                         (component sim)
#
# Three packages, not one: a program that only links the library needs neither tool, and a
# machine that runs the CLI needs no compiler, Boost headers or libssl-dev. The libraries are
# static only (no shared libpaystack): before 1.0 the ABI changes with every minor version
# (doc/api-policy.md), and a shared library would need a SONAME policy and a runtime package
# of its own. The versions come from project(... VERSION) in CMakeLists.txt.
set(PAYSTACK_PACKAGE_MAINTAINER "paystack-cpp maintainers <maintainers@users.noreply.r-seed-9e9daeed.example>"
  CACHE STRING "Maintainer field of the Debian packages")

# Documentation files each package carries (Debian policy 12.5 and 12.7): copyright, changelog.
set(_paystack_changelog "${PROJECT_BINARY_DIR}/package/changelog")
configure_file(doc/debian/changelog.in "${_paystack_changelog}" @ONLY)
execute_process(COMMAND gzip -9nf "${_paystack_changelog}")
set(_paystack_components dev)
set(_paystack_dev_package libpaystack-dev)
# The programs, each a package of its own with its man page: component `terminal` is
# paystack-terminal, `sim` is paystack-sim.
foreach(program paystack-terminal paystack-sim)
  if(TARGET ${program})
    string(REPLACE "paystack-" "" component ${program})
    list(APPEND _paystack_components ${component})
    set(_paystack_${component}_package ${program})
    configure_file(doc/man/${program}.1.in "${PROJECT_BINARY_DIR}/package/man/${program}.1" @ONLY)
    execute_process(COMMAND gzip -9nf "${PROJECT_BINARY_DIR}/package/man/${program}.1")
    install(FILES "${PROJECT_BINARY_DIR}/package/man/${program}.1.gz"
      DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${component})
  endif()
endforeach()
foreach(component IN LISTS _paystack_components)
  install(FILES doc/debian/copyright "${_paystack_changelog}.gz"
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_paystack_${component}_package} COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paystack-cpp)
set(CPACK_PACKAGE_VENDOR "paystack-cpp")
# Each package's description below starts with its own summary line: CPack would put the
# project's DESCRIPTION in front of it unless the summary is CPack's own default text.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "${PAYSTACK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_COMPONENTS_ALL ${_paystack_components})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PAYSTACK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://paystack.com/docs/terminal/")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libpaystack-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The Debian names of what the headers include and the static libraries link.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev (>= 3.0), libsqlite3-dev, libpq-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "pkgconf, cmake")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "asynchronous C++20 client for Paystack's Terminal API (development files)
paystack-cpp calls Paystack's Terminal API (the card terminals of in-person
payments) from Boost.Asio: every Terminal operation, payment requests, a whole
charge on a terminal, and webhook verification and reception.

This package holds the headers, the static libraries, the CMake package
(find_package(paystack)) and the pkg-config file (paystack.pc).")

# The tools: their library dependencies come from dpkg-shlibdeps.
set(CPACK_DEBIAN_TERMINAL_PACKAGE_NAME paystack-terminal)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_DEPENDS "ca-certificates")
set(CPACK_COMPONENT_TERMINAL_DESCRIPTION
  "Paystack's Terminal API from the command line
paystack-terminal lists, fetches, updates, commissions terminals, pushes
invoices to them, charges a customer on a terminal end to end and receives
webhooks. Its demo command runs the whole in-person flow against a built-in
simulator, with no account, key or network.")

set(CPACK_DEBIAN_SIM_PACKAGE_NAME paystack-sim)
set(CPACK_DEBIAN_SIM_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_SIM_PACKAGE_SHLIBDEPS ON)
set(CPACK_COMPONENT_SIM_DESCRIPTION
  "local simulator of Paystack's Terminal API
paystack-sim is a stateful fake of Paystack's Terminal API on a local port:
terminals, devices to commission, customers who pay, payment requests, signed
webhooks with Paystack's retry schedule and scripted faults, for testing
programs that use the API without an account or a network.")

include(CPack)
