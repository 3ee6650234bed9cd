#pragma once
// A SoT's files to and from a stored revision's bundle (model/sot_bundle.h), as plain
// (path, bytes) pairs: model/load.h has a SotFile type of its own, so the two headers
// are never included together.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace vq::server {

using PathAndBytes = std::pair<std::string, std::string>;

// The bundle of the SoT directory `root`.
Result<std::string> bundleOfDir(const std::filesystem::path& root);
Result<std::vector<PathAndBytes>> filesOfBundle(std::string_view bundle);

}  // namespace vq::server
