#pragma once
// A local mirror of one remote repository: a bare repository under the server's SavePath
// that fetches every branch and tag of the remote and answers which commit a branch, tag
// or commit id names. Nothing here throws; every libgit2 failure is a Status naming the
// repository and the step that failed.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

struct git_repository;

namespace vq::git {

struct RemoteSpec {
    std::string url;    // file://, https://, http://, ssh:// or scp-like user@host:path
    std::string token;  // https: sent as the password (user "x-access-token"); else unused
    // A fetch that takes longer is abandoned (checked as objects arrive).
    std::chrono::seconds deadline{120};
};

class Mirror {
public:
    // Opens the bare repository at `dir`, creating it (and its parents) when absent.
    static Result<std::unique_ptr<Mirror>> open(std::filesystem::path dir, RemoteSpec remote);
    ~Mirror();
    Mirror(const Mirror&) = delete;
    Mirror& operator=(const Mirror&) = delete;

    // Fetches the remote's branches and tags (pruning the deleted ones); returns the commit
    // id (40 hex digits) `branch` points to afterwards. not_found when the remote has no such
    // branch.
    Result<std::string> fetch(std::string_view branch);

    // The commit `branch` pointed to at the last successful fetch (the remote may be down
    // now); not_found when it was never fetched.
    Result<std::string> fetchedHead(std::string_view branch) const;

    // The commit a tag names (annotated or not), else a commit id (full or abbreviated,
    // at least 7 hex digits) present in the mirror; not_found otherwise.
    Result<std::string> resolveTagOrCommit(std::string_view rev) const;

    git_repository* repository() const { return repo_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    Mirror(std::filesystem::path dir, RemoteSpec remote, git_repository* repo);

    std::filesystem::path dir_;
    RemoteSpec remote_;
    git_repository* repo_ = nullptr;
};

}  // namespace vq::git
