# Installs the library so that find_package(paystack [COMPONENTS sqlite postgresql]) and
# pkg-config (paystack, paystack-sqlite, paystack-postgresql) find it after cmake --install, or
# after installing the Debian packages (cmake/PaystackPackage.cmake). Install components, one per
# Debian package:
#   runtime      libpaystack.so.0 (shared builds)                                -> libpaystack0
#   dev          headers, libpaystack.so or libpaystack.a, CMake package, paystack.pc -> libpaystack-dev
#   sqlite       libpaystack_sqlite.a, its CMake targets, paystack-sqlite.pc     -> libpaystack-sqlite-dev
#   postgresql   the same for PostgreSQL                                       -> libpaystack-postgresql-dev
# Only a build with PAYSTACK_ASIO_SEPARATE_COMPILATION OFF installs (CMakeLists.txt): nothing of
# Asio's compiled mode is installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_paystack_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/paystack)
install(TARGETS paystack EXPORT paystackTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/paystack DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/include/paystack/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/paystack COMPONENT dev)
install(EXPORT paystackTargets NAMESPACE paystack:: DESTINATION ${_paystack_cmake_dir} COMPONENT dev)

# pkg-config files, relocatable (the prefix is found from where the file is). A static
# libpaystack.a needs Boost.JSON and Boost.URL (no .pc file in Debian) on the link line too.
file(RELATIVE_PATH PAYSTACK_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" PAYSTACK_PC_TO_PREFIX "${PAYSTACK_PC_TO_PREFIX}")
get_target_property(_paystack_type paystack TYPE)
if(_paystack_type STREQUAL "STATIC_LIBRARY")
  set(PAYSTACK_PC_STATIC_LIBS " -lboost_json -lboost_url")
  set(PAYSTACK_CONFIG_STATIC TRUE)  # paystackConfig.cmake finds Boost.JSON and Boost.URL too
else()
  set(PAYSTACK_PC_STATIC_LIBS "")
  set(PAYSTACK_CONFIG_STATIC FALSE)
endif()
configure_file(cmake/paystack.pc.in ${PROJECT_BINARY_DIR}/paystack.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/paystack.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The optional store libraries: each its own export set, pkg-config file and install component.
#   paystack_install_store(target component pc-name pkg-config-requires description)
function(paystack_install_store target component pc_name pc_requires description)
  if(NOT TARGET ${target})
    return()
  endif()
  install(TARGETS ${target} EXPORT ${pc_name}Targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${component})
  install(EXPORT ${pc_name}Targets NAMESPACE paystack:: DESTINATION ${_paystack_cmake_dir}
    COMPONENT ${component})
  set(PAYSTACK_PC_NAME ${pc_name})
  set(PAYSTACK_PC_REQUIRES ${pc_requires})
  set(PAYSTACK_PC_LIB ${target})
  set(PAYSTACK_PC_DESCRIPTION ${description})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/paystack-store.pc.in ${PROJECT_BINARY_DIR}/${pc_name}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc_name}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    COMPONENT ${component})
endfunction()
paystack_install_store(paystack_sqlite sqlite paystack-sqlite sqlite3
  "the SQLite charge store (paystack/sqlite_store.hpp)")
paystack_install_store(paystack_postgresql postgresql paystack-postgresql libpq
  "the PostgreSQL charge store of a fleet (paystack/postgresql_store.hpp)")

configure_package_config_file(cmake/paystackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/paystackConfig.cmake
  INSTALL_DESTINATION ${_paystack_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/paystackConfig.cmake ${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  DESTINATION ${_paystack_cmake_dir} COMPONENT dev)
