#pragma once
// A set of files held in memory (a SoT read from disk, a git tree, a bundle received from a
// server) and the one way to write such a set out: every path is checked first, so nothing
// a repository or a peer sends can write outside the directory it is meant for.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vq {

struct NamedFile {
    std::string path;  // relative, '/'-separated
    std::string data;
    bool operator==(const NamedFile&) const = default;
};

// Relative, not empty, no empty, "." or ".." component, no NUL, at most 4096 bytes.
bool safeRelativePath(std::string_view path);

// Writes the files under `dir`, which is created and must hold nothing yet.
Status writeFilesInto(const std::vector<NamedFile>& files, const std::filesystem::path& dir);

// Replaces `dir` with exactly `files`: written to `<dir>.new` first, then swapped in, so a
// failure leaves the previous contents in place.
Status replaceDirectory(const std::vector<NamedFile>& files, const std::filesystem::path& dir);

// Replaces one file's contents: written to `<file>.tmp`, then renamed over `file` (its
// directory is created), so a crash leaves the old contents or the new, never half. With
// `sync`, the new contents are on disk before the rename (what must survive a power loss,
// not only a crash of the process).
Status replaceFile(const std::filesystem::path& file, std::string_view data, bool sync = false);

}  // namespace vq
