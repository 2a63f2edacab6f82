# Conan 2 recipe of paystack-cpp, kept in the project's repository (packaging/README.md): it
# exports the sources from this checkout. The copy for ConanCenter drops `version` and
# `export_sources` for conandata.yml and a `source()` that downloads the release archive.
import os

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.1"


class PaystackCppConan(ConanFile):
    name = "paystack-cpp"
    version = "0.1.0"
    description = "Asynchronous C++ client for Paystack's Terminal API, on Boost.Asio and Boost.Beast"
    # No licence has been chosen yet (doc/debian/copyright): ConanCenter accepts no package
    # without one, so this must name it (an SPDX identifier) before any submission.
    license = "LicenseRef-paystack-cpp-no-licence-chosen"
    homepage = "https://paystack.com/docs/terminal/"
    topics = ("paystack", "payments", "terminal", "asio", "beast")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "with_sqlite": [True, False],
        "with_postgresql": [True, False],
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "with_sqlite": False,
        "with_postgresql": False,
    }
    implements = ["auto_shared_fpic"]

    @property
    def _min_cppstd(self):
        return 20

    @property
    def _compilers_minimum_version(self):
        # The compilers the project is built with (Debian 12: GCC 12, Clang 14).
        return {"gcc": "12", "clang": "14"}

    def export_sources(self):
        root = os.path.join(self.recipe_folder, os.pardir, os.pardir)
        for pattern in ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "doc/*"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # The public headers include Boost.Asio and Boost.System; Boost.JSON, Boost.URL, Beast
        # and OpenSSL are used inside the library only.
        self.requires("boost/1.81.0", transitive_headers=True)
        self.requires("openssl/[>=3 <4]")
        if self.options.with_sqlite:
            self.requires("sqlite3/[>=3.40 <4]")
        if self.options.with_postgresql:
            self.requires("libpq/[>=15 <18]")

    def validate(self):
        if self.settings.os != "Linux":
            raise ConanInvalidConfiguration(f"{self.ref} is built and tested on Linux only")
        check_min_cppstd(self, self._min_cppstd)
        minimum = self._compilers_minimum_version.get(str(self.settings.compiler))
        if minimum and Version(self.settings.compiler.version) < minimum:
            raise ConanInvalidConfiguration(
                f"{self.ref} needs C++{self._min_cppstd}: {self.settings.compiler} >= {minimum}")
        boost = self.dependencies["boost"].options
        if boost.get_safe("header_only") or boost.get_safe("without_json") or boost.get_safe("without_url"):
            raise ConanInvalidConfiguration(
                f"{self.ref} links the compiled Boost.JSON and Boost.URL: boost/*:header_only, "
                "boost/*:without_json and boost/*:without_url must stay False")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["PAYSTACK_BUILD_TESTS"] = False
        tc.cache_variables["PAYSTACK_BUILD_SIMULATOR"] = False
        tc.cache_variables["PAYSTACK_BUILD_CLI"] = False
        tc.cache_variables["PAYSTACK_BUILD_EXAMPLES"] = False
        tc.cache_variables["PAYSTACK_ASIO_SEPARATE_COMPILATION"] = False
        tc.cache_variables["PAYSTACK_WITH_SQLITE"] = bool(self.options.with_sqlite)
        tc.cache_variables["PAYSTACK_WITH_POSTGRESQL"] = bool(self.options.with_postgresql)
        # src/CMakeLists.txt builds an OpenTelemetry adapter when it finds opentelemetry-cpp:
        # the package must not depend on what else is installed.
        tc.cache_variables["CMAKE_DISABLE_FIND_PACKAGE_opentelemetry-cpp"] = True
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "copyright", src=os.path.join(self.source_folder, "doc", "debian"),
             dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        # The names of the project's own CMake package and pkg-config modules (issue 23):
        # find_package(paystack COMPONENTS sqlite postgresql), paystack-sqlite.pc, ...
        self.cpp_info.set_property("cmake_file_name", "paystack")

        core = self.cpp_info.components["paystack"]
        core.set_property("cmake_target_name", "paystack::paystack")
        core.set_property("pkg_config_name", "paystack")
        core.libs = ["paystack"]
        core.requires = ["boost::headers", "boost::json", "boost::url", "openssl::ssl", "openssl::crypto"]
        core.system_libs = ["pthread"]

        if self.options.with_sqlite:
            sqlite = self.cpp_info.components["sqlite"]
            sqlite.set_property("cmake_target_name", "paystack::sqlite")
            sqlite.set_property("pkg_config_name", "paystack-sqlite")
            sqlite.libs = ["paystack_sqlite"]
            sqlite.requires = ["paystack", "sqlite3::sqlite3"]

        if self.options.with_postgresql:
            postgresql = self.cpp_info.components["postgresql"]
            postgresql.set_property("cmake_target_name", "paystack::postgresql")
            postgresql.set_property("pkg_config_name", "paystack-postgresql")
            postgresql.libs = ["paystack_postgresql"]
            postgresql.requires = ["paystack", "libpq::libpq"]
