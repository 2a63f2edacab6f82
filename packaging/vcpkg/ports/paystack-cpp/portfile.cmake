# PLACEHOLDERS, to replace before submitting (packaging/README.md): REPO is the project's GitHub
# owner/name (none is published yet) and SHA512 the hash of the v${VERSION} tag's archive.
vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO OWNER/paystack-cpp
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main
)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        sqlite      PAYSTACK_WITH_SQLITE
        postgresql  PAYSTACK_WITH_POSTGRESQL
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DPAYSTACK_BUILD_TESTS=OFF
        -DPAYSTACK_BUILD_SIMULATOR=OFF
        -DPAYSTACK_BUILD_CLI=OFF
        -DPAYSTACK_BUILD_EXAMPLES=OFF
        -DPAYSTACK_ASIO_SEPARATE_COMPILATION=OFF
        -DCMAKE_DISABLE_FIND_PACKAGE_opentelemetry-cpp=ON
)

vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME paystack CONFIG_PATH lib/cmake/paystack)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug/include"
    "${CURRENT_PACKAGES_DIR}/debug/share"
    "${CURRENT_PACKAGES_DIR}/share/doc"
)

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/doc/debian/copyright")
