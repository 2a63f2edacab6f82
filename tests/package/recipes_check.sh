#!/usr/bin/env bash
# What can be checked of the vcpkg port and the Conan recipe under packaging/ without vcpkg,
# Conan or their registries (packaging/README.md says what only a maintainer can check):
#   - packaging/conan/conanfile.py and test_package/conanfile.py compile (python3 -m py_compile);
#   - vcpkg.json is JSON with the dependencies and the features sqlite and postgresql;
#   - the versions in vcpkg.json and conanfile.py equal project(paystack VERSION x.y.z) in
#     CMakeLists.txt;
#   - the Conan recipe, run against stand-ins for Conan's classes (no Conan needed), gives the
#     components, libraries, CMake targets and pkg-config names of issue 23's design, requires
#     SQLite and libpq only with their options and sets the project's CMake options;
#   - the portfile maps the features to PAYSTACK_WITH_SQLITE / PAYSTACK_WITH_POSTGRESQL, turns
#     the tests, simulator, CLI and examples off and fixes up lib/cmake/paystack; the usage file
#     names the three CMake targets.
# Prints one "recipes_check: FAIL: ..." line per problem and exits 1 when there is one.
#   recipes_check.sh SOURCE_DIR
set -euo pipefail
src="${1:?usage: recipes_check.sh SOURCE_DIR}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad=0
for f in packaging/conan/conanfile.py packaging/conan/test_package/conanfile.py; do
  # The byte code goes to the temporary folder, not next to the recipe.
  if ! PYTHONPYCACHEPREFIX="$tmp" python3 -m py_compile "$src/$f"; then
    echo "recipes_check: FAIL: $f does not compile (python3 -m py_compile)"
    bad=1
  fi
done
if [ "$bad" -ne 0 ]; then exit 1; fi

python3 - "$src" <<'PY'
import importlib.util
import json
import os
import re
import sys
import types
from collections import defaultdict

src = sys.argv[1]
failures = []
checks = 0


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        failures.append(message)


def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()


# The project version: the one place it is written.
m = re.search(r"project\(\s*paystack\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", read("CMakeLists.txt"))
if not m:
    print("recipes_check: FAIL: no project(paystack VERSION x.y.z) in CMakeLists.txt")
    sys.exit(1)
version = m.group(1)

# The names everyone codes to (issue 23's design): component -> (library, CMake target,
# pkg-config module, what it requires besides the core).
DESIGN = {
    "paystack": ("paystack", "paystack::paystack", "paystack", []),
    "sqlite": ("paystack_sqlite", "paystack::sqlite", "paystack-sqlite", ["sqlite3::sqlite3"]),
    "postgresql": ("paystack_postgresql", "paystack::postgresql", "paystack-postgresql", ["libpq::libpq"]),
}
FEATURE_OPTION = {"sqlite": "PAYSTACK_WITH_SQLITE", "postgresql": "PAYSTACK_WITH_POSTGRESQL"}
OFF_OPTIONS = ["PAYSTACK_BUILD_TESTS", "PAYSTACK_BUILD_SIMULATOR", "PAYSTACK_BUILD_CLI", "PAYSTACK_BUILD_EXAMPLES"]

# --- vcpkg -------------------------------------------------------------------------------------
port = "packaging/vcpkg/ports/paystack-cpp"
try:
    manifest = json.loads(read(f"{port}/vcpkg.json"))
except (OSError, ValueError) as e:
    print(f"recipes_check: FAIL: {port}/vcpkg.json is not readable JSON: {e}")
    sys.exit(1)


def dep_names(deps):
    return {d if isinstance(d, str) else d.get("name") for d in deps}


check(manifest.get("name") == "paystack-cpp", f"{port}/vcpkg.json: name is {manifest.get('name')!r}, not 'paystack-cpp'")
check(manifest.get("version") == version,
      f"{port}/vcpkg.json: version is {manifest.get('version')!r}, CMakeLists.txt project() says {version!r}")
deps = manifest.get("dependencies", [])
for name in ["boost-asio", "boost-beast", "boost-json", "boost-url", "openssl", "vcpkg-cmake", "vcpkg-cmake-config"]:
    check(name in dep_names(deps), f"{port}/vcpkg.json: no dependency {name}")
for d in deps:
    if isinstance(d, dict) and d.get("name") in ("vcpkg-cmake", "vcpkg-cmake-config"):
        check(d.get("host") is True, f"{port}/vcpkg.json: {d['name']} must be a host dependency")
features = manifest.get("features", {})
check(set(features) == {"sqlite", "postgresql"}, f"{port}/vcpkg.json: features are {sorted(features)}, not postgresql and sqlite")
check("sqlite3" in dep_names(features.get("sqlite", {}).get("dependencies", [])), f"{port}/vcpkg.json: feature sqlite does not depend on sqlite3")
check("libpq" in dep_names(features.get("postgresql", {}).get("dependencies", [])), f"{port}/vcpkg.json: feature postgresql does not depend on libpq")

portfile = read(f"{port}/portfile.cmake")
for feature, option in FEATURE_OPTION.items():
    check(re.search(rf"^\s*{feature}\s+{option}\s*$", portfile, re.M), f"{port}/portfile.cmake: feature {feature} is not mapped to {option}")
for option in OFF_OPTIONS:
    check(f"-D{option}=OFF" in portfile, f"{port}/portfile.cmake: no -D{option}=OFF")
for needle in ["vcpkg_check_features(", "vcpkg_cmake_configure(", "vcpkg_cmake_install(",
               "vcpkg_cmake_config_fixup(PACKAGE_NAME paystack CONFIG_PATH lib/cmake/paystack)",
               "vcpkg_fixup_pkgconfig(", "vcpkg_install_copyright(", '"${CURRENT_PACKAGES_DIR}/debug/include"']:
    check(needle in portfile, f"{port}/portfile.cmake: no {needle}")
m = re.search(r'vcpkg_install_copyright\(FILE_LIST "\$\{SOURCE_PATH\}/([^"]+)"\)', portfile)
check(m and os.path.isfile(os.path.join(src, m.group(1))), f"{port}/portfile.cmake: the copyright file it installs is not in the source tree")
usage = read(f"{port}/usage")
for component, (_, target, pc, _) in DESIGN.items():
    check(target in usage, f"{port}/usage: does not name {target}")
    check(re.search(rf"^\s*{re.escape(pc)}\b", usage, re.M), f"{port}/usage: does not name the pkg-config module {pc}")

# --- Conan: the recipe run against stand-ins for Conan's classes -------------------------------


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module


class ConanFile:
    pass


class InvalidConfiguration(Exception):
    pass


class Toolchain:
    last = None

    def __init__(self, conanfile):
        self.cache_variables = {}
        self.variables = {}
        Toolchain.last = self

    def generate(self):
        pass


class Deps:
    def __init__(self, conanfile):
        pass

    def generate(self):
        pass


def nothing(*args, **kwargs):
    return None


stub("conan", ConanFile=ConanFile)
stub("conan.errors", ConanInvalidConfiguration=InvalidConfiguration, ConanException=Exception)
stub("conan.tools")
stub("conan.tools.build", check_min_cppstd=nothing, can_run=lambda conanfile: False)
stub("conan.tools.cmake", CMake=object, CMakeDeps=Deps, CMakeToolchain=Toolchain, cmake_layout=nothing)
stub("conan.tools.files", copy=nothing, rmdir=nothing, rm=nothing, get=nothing)
stub("conan.tools.scm", Version=str)


class Values:
    def __init__(self, **values):
        self.__dict__.update(values)

    def get_safe(self, name, default=None):
        return self.__dict__.get(name, default)


class Component:
    def __init__(self):
        self.properties = {}
        self.libs = []
        self.requires = []
        self.system_libs = []

    def set_property(self, name, value):
        self.properties[name] = value


class CppInfo(Component):
    def __init__(self):
        super().__init__()
        self.components = defaultdict(Component)


recipe_path = os.path.join(src, "packaging/conan/conanfile.py")
spec = importlib.util.spec_from_file_location("paystack_conanfile", recipe_path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
recipes = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, ConanFile) and c is not ConanFile]
if len(recipes) != 1:
    print(f"recipes_check: FAIL: packaging/conan/conanfile.py defines {len(recipes)} ConanFile classes, not 1")
    sys.exit(1)
Recipe = recipes[0]
where = "packaging/conan/conanfile.py"
check(getattr(Recipe, "name", None) == "paystack-cpp", f"{where}: name is {getattr(Recipe, 'name', None)!r}, not 'paystack-cpp'")
check(getattr(Recipe, "version", None) == version,
      f"{where}: version is {getattr(Recipe, 'version', None)!r}, CMakeLists.txt project() says {version!r}")
options = getattr(Recipe, "options", {})
defaults = getattr(Recipe, "default_options", {})
check(set(options) == {"shared", "fPIC", "with_sqlite", "with_postgresql"}, f"{where}: options are {sorted(options)}")
check(defaults.get("shared") is False and defaults.get("fPIC") is True, f"{where}: default options are not shared=False, fPIC=True")

for with_sqlite in (False, True):
    for with_postgresql in (False, True):
        case = f"with_sqlite={with_sqlite}, with_postgresql={with_postgresql}"
        recipe = Recipe.__new__(Recipe)
        recipe.options = Values(shared=False, fPIC=True, with_sqlite=with_sqlite, with_postgresql=with_postgresql)
        recipe.settings = Values(os="Linux")
        refs = []
        recipe.requires = lambda ref, **traits: refs.append(ref)
        recipe.requirements()
        check("boost/1.81.0" in refs, f"{where} ({case}): does not require boost/1.81.0")
        check("openssl/[>=3 <4]" in refs, f"{where} ({case}): does not require openssl/[>=3 <4]")
        has = any(r.startswith("sqlite3/") for r in refs)
        check(has == with_sqlite, f"{where} ({case}): requires sqlite3 is {has}, must be {with_sqlite}")
        has = any(r.startswith("libpq/") for r in refs)
        check(has == with_postgresql, f"{where} ({case}): requires libpq is {has}, must be {with_postgresql}")

        Toolchain.last = None
        recipe.generate()
        cache = Toolchain.last.cache_variables if Toolchain.last else {}
        for option in OFF_OPTIONS:
            check(cache.get(option) is False, f"{where} ({case}): generate() does not set {option} to False")
        check(cache.get("PAYSTACK_WITH_SQLITE") is with_sqlite, f"{where} ({case}): PAYSTACK_WITH_SQLITE is {cache.get('PAYSTACK_WITH_SQLITE')!r}")
        check(cache.get("PAYSTACK_WITH_POSTGRESQL") is with_postgresql, f"{where} ({case}): PAYSTACK_WITH_POSTGRESQL is {cache.get('PAYSTACK_WITH_POSTGRESQL')!r}")

        recipe.cpp_info = CppInfo()
        recipe.package_info()
        info = recipe.cpp_info
        check(info.properties.get("cmake_file_name") == "paystack", f"{where} ({case}): cmake_file_name is {info.properties.get('cmake_file_name')!r}, not 'paystack'")
        wanted = {"paystack"} | ({"sqlite"} if with_sqlite else set()) | ({"postgresql"} if with_postgresql else set())
        check(set(info.components) == wanted, f"{where} ({case}): components are {sorted(info.components)}, not {sorted(wanted)}")
        for name in wanted & set(info.components):
            lib, target, pc, needs = DESIGN[name]
            c = info.components[name]
            check(c.libs == [lib], f"{where} ({case}): component {name} has libs {c.libs}, not [{lib!r}]")
            check(c.properties.get("cmake_target_name") == target, f"{where} ({case}): component {name} has CMake target {c.properties.get('cmake_target_name')!r}, not {target!r}")
            check(c.properties.get("pkg_config_name") == pc, f"{where} ({case}): component {name} has pkg-config name {c.properties.get('pkg_config_name')!r}, not {pc!r}")
            for need in needs + ([] if name == "paystack" else ["paystack"]):
                check(need in c.requires, f"{where} ({case}): component {name} does not require {need}")

test_cmake = read("packaging/conan/test_package/CMakeLists.txt")
check("paystack::paystack" in test_cmake, "packaging/conan/test_package/CMakeLists.txt: does not link paystack::paystack")
test_cpp = read("packaging/conan/test_package/test_package.cpp")
for needle in ["<paystack/version.hpp>", "PAYSTACK_VERSION_STRING", "paystack::terminal_client"]:
    check(needle in test_cpp, f"packaging/conan/test_package/test_package.cpp: no {needle}")

for failure in failures:
    print(f"recipes_check: FAIL: {failure}")
if failures:
    sys.exit(1)
print(f"recipes_check: {checks} checks passed (version {version}; vcpkg port, Conan recipe and test package)")
PY
