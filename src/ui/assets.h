#pragma once
// The dashboard's files (the repository's ui/ directory), built into the binary so that it
// works with no network and nothing installed beside the binary.

#include <string_view>

namespace vq::ui {

struct Asset {
    std::string_view path;  // relative to ui/, e.g. "app.js"
    std::string_view content_type;
    std::string_view body;
};

// nullptr when there is no such file.
const Asset* findAsset(std::string_view path);

}  // namespace vq::ui
