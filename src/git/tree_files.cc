#include "git/tree_files.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "git/git_error.h"
#include "git/mirror.h"
#include <fmt/format.h>
#include <git2.h>

namespace vq::git {
namespace fs = std::filesystem;
namespace {

struct WalkState {
    git_repository* repo = nullptr;
    const TreeLimits* limits = nullptr;
    std::string prefix;  // subdir + "/" or empty
    std::vector<TreeFile>* out = nullptr;
    size_t bytes = 0;
    Status failure;
};

int visit(const char* root, const git_tree_entry* entry, void* payload) {
    auto* st = static_cast<WalkState*>(payload);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;  // trees are walked into; submodule commits are skipped
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        return 0;  // symbolic links
    std::string path = st->prefix + root + git_tree_entry_name(entry);
    if (!safeRelativePath(path)) {
        st->failure = Status::invalidArgument("unsafe path in the tree: " + path);
        return -1;
    }
    if (st->out->size() >= st->limits->max_files) {
        st->failure = Status::invalidArgument(
            fmt::format("the tree has more than {} files", st->limits->max_files));
        return -1;
    }
    git_blob* blob = nullptr;
    if (int rc = git_blob_lookup(&blob, st->repo, git_tree_entry_id(entry)); rc != 0) {
        st->failure = libgit2Failure(rc, "read " + path);
        return -1;
    }
    const auto size = static_cast<size_t>(git_blob_rawsize(blob));
    st->bytes += size;
    if (st->bytes > st->limits->max_bytes) {
        git_blob_free(blob);
        st->failure = Status::invalidArgument(
            fmt::format("the tree holds more than {} bytes", st->limits->max_bytes));
        return -1;
    }
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob));
    st->out->push_back(TreeFile{std::move(path), std::string(data, size)});
    git_blob_free(blob);
    return 0;
}

}  // namespace

Result<std::vector<TreeFile>> readTree(const Mirror& mirror,
                                       std::string_view commit,
                                       std::string_view subdir,
                                       const TreeLimits& limits) {
    git_repository* repo = mirror.repository();
    const std::string what = "read commit " + std::string(commit);
    git_oid oid;
    if (int rc = git_oid_fromstrn(&oid, commit.data(), commit.size()); rc != 0)
        return libgit2Failure(rc, what);
    git_commit* c = nullptr;
    if (int rc = git_commit_lookup(&c, repo, &oid); rc != 0)
        return libgit2Failure(rc, what);
    git_tree* tree = nullptr;
    int rc = git_commit_tree(&tree, c);
    git_commit_free(c);
    if (rc != 0)
        return libgit2Failure(rc, what);

    std::vector<TreeFile> files;
    WalkState st;
    st.repo = repo;
    st.limits = &limits;
    st.out = &files;
    git_tree* walked = tree;
    git_tree* sub = nullptr;
    if (!subdir.empty()) {
        git_tree_entry* entry = nullptr;
        const std::string p(subdir);
        rc = git_tree_entry_bypath(&entry, tree, p.c_str());
        if (rc == GIT_ENOTFOUND || (rc == 0 && git_tree_entry_type(entry) != GIT_OBJECT_TREE)) {
            git_tree_entry_free(entry);
            git_tree_free(tree);
            return files;
        }
        if (rc == 0)
            rc = git_tree_lookup(&sub, repo, git_tree_entry_id(entry));
        git_tree_entry_free(entry);
        if (rc != 0) {
            git_tree_free(tree);
            return libgit2Failure(rc, what + ": " + p);
        }
        walked = sub;
        st.prefix = p + "/";
    }
    rc = git_tree_walk(walked, GIT_TREEWALK_PRE, visit, &st);
    git_tree_free(sub);
    git_tree_free(tree);
    if (!st.failure.isOk())
        return st.failure.prefixed(what);
    if (rc != 0)
        return libgit2Failure(rc, what);
    std::sort(files.begin(), files.end(),
              [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
    return files;
}

Status writeTree(const std::vector<TreeFile>& files, const fs::path& dir) {
    return replaceDirectory(files, dir);
}

}  // namespace vq::git
