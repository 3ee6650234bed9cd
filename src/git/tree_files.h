#pragma once
// The files of a commit, read out of a mirror into memory, and written out as a plain
// directory the SoT loader reads. A repository is untrusted input: limits bound what one
// commit may make us read, symbolic links and submodules are skipped (a link could point
// anywhere on the server), and no path may leave the directory it is written to.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_set.h"
#include "base/result.h"

namespace vq::git {

class Mirror;

// A file of a tree: its path relative to the tree read, '/' separators.
using TreeFile = NamedFile;

struct TreeLimits {
    size_t max_files = 200'000;
    size_t max_bytes = size_t{1} << 30;  // all blobs together
};

// Every regular file of `commit`'s tree under `subdir` ("" = the whole tree), sorted by
// path; paths are relative to the tree's root (they keep `subdir/`). A missing subdir
// yields no files.
Result<std::vector<TreeFile>> readTree(const Mirror& mirror,
                                       std::string_view commit,
                                       std::string_view subdir = {},
                                       const TreeLimits& limits = {});

// Replaces `dir` with exactly `files`: written to a sibling staging directory first, then
// swapped in, so a failure leaves the previous contents in place.
Status writeTree(const std::vector<TreeFile>& files, const std::filesystem::path& dir);

}  // namespace vq::git
