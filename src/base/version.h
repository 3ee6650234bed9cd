#pragma once
// The version this binary was built as (the project's version in CMakeLists.txt).

#include <string_view>

namespace vq {

std::string_view version();

}  // namespace vq
