#pragma once
// Runs one program to completion, bounded: its combined stdout and stderr are kept up to a
// limit, and past its deadline it gets SIGTERM, then SIGKILL after a grace period (the
// whole process group, so a shell's children go too). No shell is involved: argv is passed
// as it is.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "base/result.h"

namespace vq::container {

struct ProcessLimits {
    std::chrono::milliseconds timeout{60'000};
    std::chrono::milliseconds kill_grace{5'000};  // between SIGTERM and SIGKILL
    size_t output_limit = 64 * 1024;
};

struct ProcessResult {
    int exit_code = -1;  // the exit status, or -1 when killed by a signal
    int signal = 0;      // the signal that ended it, 0 if it exited
    bool timed_out = false;
    std::string output;  // stdout and stderr interleaved, at most output_limit bytes
    bool truncated = false;
    std::chrono::milliseconds duration{0};
    bool ok() const { return exit_code == 0 && !timed_out; }
};

// Errors: the program could not be started (not found, not executable).
Result<ProcessResult> runProcess(const std::vector<std::string>& argv, const ProcessLimits& limits);

// The absolute path of `program` from PATH (or `program` itself when it has a slash and is
// executable); empty when not found.
std::string findInPath(const std::string& program);

}  // namespace vq::container
