#include "git/git_error.h"

#include <mutex>
#include <string>

#include <git2.h>

namespace vq::git {

void ensureLibGit2() {
    // Never shut down: objects of other threads may outlive any scope we could pick.
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

Status libgit2Failure(int code, std::string_view what) {
    const git_error* e = git_error_last();
    std::string why = (e != nullptr && e->message != nullptr) ? e->message : "unknown error";
    const std::string message = std::string(what) + ": " + why;
    switch (code) {
        case GIT_ENOTFOUND:
            return Status::notFound(message);
        case GIT_EAUTH:
        case GIT_ECERTIFICATE:
            return Status::permissionDenied(message);
        case GIT_EUSER:
            return Status::deadlineExceeded(message);
        default:
            return Status::unavailable(message);
    }
}

}  // namespace vq::git
