#pragma once
// Runs one power job per host on a bounded number of threads and collects per-host results
// with durations. Power calls block on the network (libfreeipmi, libssh are synchronous), so
// the bound is on threads; one slow BMC holds one slot and never the others.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"

namespace vq::power {

inline constexpr size_t kDefaultParallelism = 64;

struct PowerJob {
    std::string host;
    // Returns a short human summary ("on", "restarted gracefully") or the failure.
    std::function<Result<std::string>()> run;
};

struct PowerJobResult {
    std::string host;
    Status status;        // ok, or the failure
    std::string summary;  // when ok
    std::chrono::nanoseconds duration{0};
};

// Results come back in the order of `jobs`. parallelism 0 is taken as 1. A job that throws
// is reported as a failure for its host.
std::vector<PowerJobResult> runConcurrently(std::vector<PowerJob> jobs,
                                            size_t parallelism = kDefaultParallelism);

}  // namespace vq::power
