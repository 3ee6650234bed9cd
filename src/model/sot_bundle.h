#pragma once
// A SoT as one blob: every regular file under its root (path relative to the root, bytes),
// sorted by path, zstd-compressed. It is what the server keeps per model revision (a host
// pinned to an old revision is served it after a restart, although the directory moved on)
// and what an agent receives and caches. The same files always give the same blob.
//
// A blob comes from the network or disk: unpacking checks everything (sizes, counts, paths
// that would leave the directory) and answers an error, never a crash.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/load.h"

namespace vq::model {

struct SotBundleLimits {
    size_t max_files = 200'000;
    uint64_t max_bytes = uint64_t{2} << 30;  // uncompressed, all files together
};

// Every file the loader reads under `root` (readSotDir: sorted, hidden entries left out,
// bounded), as a Result.
Result<std::vector<SotFile>> readSotFiles(const std::filesystem::path& root);
// The compressed blob of `files` (sorted by path first).
std::string packSot(std::vector<SotFile> files);
// The blob of the SoT directory `root` (readSotFiles, then packSot).
Result<std::string> bundleOfDir(const std::filesystem::path& root);
Result<std::vector<SotFile>> unpackSot(std::string_view blob, const SotBundleLimits& limits = {});
// Writes the files under `dir` (created; it must not hold anything yet).
Status writeSotFiles(const std::vector<SotFile>& files, const std::filesystem::path& dir);

}  // namespace vq::model
