# Installs the library so that find_package(paystack) works after cmake --install.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS paystack paystack_flow paystack_asio
  EXPORT paystackTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/paystack DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT paystackTargets NAMESPACE paystack:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack)

configure_package_config_file(cmake/paystackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/paystackConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/paystackConfig.cmake ${PROJECT_BINARY_DIR}/paystackConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/paystack)
