# Debian packages with CPack (`cpack -G DEB` in the package preset's build; scripts/check-package.sh):
#
#   libpaystack0                libpaystack.so.0 (the shared library)                    (component runtime)
#   libpaystack-dev             headers, libpaystack.so, CMake package, paystack.pc      (component dev)
#   libpaystack-sqlite-dev      libpaystack_sqlite.a, paystack-sqlite.pc, its targets    (component sqlite)
#   libpaystack-postgresql-dev  libpaystack_postgresql.a, paystack-postgresql.pc, ...    (component postgresql)
#   paystack-terminal           /usr/bin/paystack-terminal and its man page              (component terminal)
#   paystack-sim                /usr/bin/paystack-sim and its man page                   (component sim)
#
# A program that runs needs libpaystack0 only; one that builds against the core needs neither
# libsqlite3-dev nor libpq-dev (doc/adr/pkg-0002-optional-stores.md); a machine that runs the
# CLI needs no compiler, Boost headers or libssl-dev. The SONAME follows the major version and
# the ABI is checked against abi/libpaystack.so.0.abi.xz (doc/api-policy.md). The versions come
# from project(... VERSION) in CMakeLists.txt.
set(PAYSTACK_PACKAGE_MAINTAINER "paystack-cpp maintainers <maintainers@users.noreply.r-seed-9e9daeed.example>"
  CACHE STRING "Maintainer field of the Debian packages")

# Documentation files each package carries (Debian policy 12.5 and 12.7): copyright, changelog.
set(_paystack_changelog "${PROJECT_BINARY_DIR}/package/changelog")
configure_file(doc/debian/changelog.in "${_paystack_changelog}" @ONLY)
execute_process(COMMAND gzip -9nf "${_paystack_changelog}")
set(_paystack_components runtime dev)
set(_paystack_runtime_package libpaystack0)
set(_paystack_dev_package libpaystack-dev)
foreach(store sqlite postgresql)
  if(TARGET paystack_${store})
    list(APPEND _paystack_components ${store})
    set(_paystack_${store}_package libpaystack-${store}-dev)
  endif()
endforeach()
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

# The runtime library: its dependencies from dpkg-shlibdeps, a shlibs file (>= this version),
# and an ldconfig trigger (doc/debian/libpaystack0/triggers; Debian policy 8.1.1).
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libpaystack0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/doc/debian/libpaystack0/triggers")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "asynchronous C++20 client for Paystack's Terminal API (shared library)
paystack-cpp calls Paystack's Terminal API (the card terminals of in-person
payments) from Boost.Asio: every Terminal operation, payment requests, a whole
charge on a terminal, and webhook verification and reception.

This package holds the shared library libpaystack.so.0.")
# The programs find libpaystack.so.0 in the build tree; its dependency is written out below,
# since dpkg-shlibdeps knows no package of it yet.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/src")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libpaystack-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The Debian names of what the headers include (Asio, Beast, Boost.System; OpenSSL's headers),
# and the library itself.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libpaystack0 (= ${PROJECT_VERSION}), libboost1.81-dev, libssl-dev (>= 3.0)")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "pkgconf, cmake, libpaystack-sqlite-dev, libpaystack-postgresql-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "asynchronous C++20 client for Paystack's Terminal API (development files)
paystack-cpp calls Paystack's Terminal API (the card terminals of in-person
payments) from Boost.Asio: every Terminal operation, payment requests, a whole
charge on a terminal, and webhook verification and reception.

This package holds the headers, the libpaystack.so link, the CMake package
(find_package(paystack)) and the pkg-config file (paystack.pc). The SQLite and
PostgreSQL charge stores are in libpaystack-sqlite-dev and
libpaystack-postgresql-dev.")

set(CPACK_DEBIAN_SQLITE_PACKAGE_NAME libpaystack-sqlite-dev)
set(CPACK_DEBIAN_SQLITE_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SQLITE_PACKAGE_DEPENDS "libpaystack-dev (= ${PROJECT_VERSION}), libsqlite3-dev")
set(CPACK_COMPONENT_SQLITE_DESCRIPTION
  "SQLite charge store of paystack-cpp (development files)
The charge store of paystack-cpp in a SQLite file: a charge key means one
charge, whatever crashes. find_package(paystack COMPONENTS sqlite) or
pkg-config paystack-sqlite; the header is paystack/sqlite_store.hpp.")

set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_NAME libpaystack-postgresql-dev)
set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_DEPENDS "libpaystack-dev (= ${PROJECT_VERSION}), libpq-dev")
set(CPACK_COMPONENT_POSTGRESQL_DESCRIPTION
  "PostgreSQL charge store of paystack-cpp (development files)
The charge store a fleet of paystack-cpp processes shares in PostgreSQL, with
terminal leases and a shared rate budget. find_package(paystack COMPONENTS
postgresql) or pkg-config paystack-postgresql; the header is
paystack/postgresql_store.hpp.")

# The tools: their library dependencies come from dpkg-shlibdeps.
set(CPACK_DEBIAN_TERMINAL_PACKAGE_NAME paystack-terminal)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_TERMINAL_PACKAGE_DEPENDS "ca-certificates, libpaystack0 (>= ${PROJECT_VERSION})")
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
