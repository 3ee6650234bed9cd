#pragma once
// libgit2 reports failures as a negative return code plus a thread-local message; this
// turns them into a Status that says what was being done and why it failed.

#include <string_view>

#include "base/result.h"

namespace vq::git {

// Initialises libgit2 once per process (idempotent, thread-safe).
void ensureLibGit2();

// The Status for a failed libgit2 call `code` while doing `what`.
Status libgit2Failure(int code, std::string_view what);

}  // namespace vq::git
