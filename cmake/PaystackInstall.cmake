# Installs the library so that find_package(paystack) and pkg-config find it after cmake
# --install, or after installing the libpaystack-dev package (cmake/PaystackPackage.cmake): the
# install component `dev`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS paystack paystack_flow paystack_serve paystack_pg paystack_asio
  EXPORT paystackTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/paystack DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/include/paystack/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/paystack COMPONENT dev)
install(EXPORT paystackTargets NAMESPACE paystack:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack
  COMPONENT dev)

configure_package_config_file(cmake/paystackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/paystackConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/paystackConfig.cmake ${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack COMPONENT dev)

# pkg-config: paystack.pc, relocatable (its prefix is found from where the file is).
file(RELATIVE_PATH PAYSTACK_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" PAYSTACK_PC_TO_PREFIX "${PAYSTACK_PC_TO_PREFIX}")
configure_file(cmake/paystack.pc.in ${PROJECT_BINARY_DIR}/paystack.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/paystack.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
