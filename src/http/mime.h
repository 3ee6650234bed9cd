#pragma once
// Content types for files served from /files, by extension.

#include <string_view>

namespace vq::http {

// "application/octet-stream" for anything unknown (kernels, initrds, ROMs).
std::string_view contentTypeFor(std::string_view path);

}  // namespace vq::http
