// Fixture of ctest compile.header_check_catches: a header that is not self-contained (it uses
// std::string without including <string>), as the check of tests/compile/CMakeLists.txt must
// refuse. Never included by the library.
#pragma once

namespace header_check_fixture {

struct not_self_contained {
  std::string name;
};

}  // namespace header_check_fixture
