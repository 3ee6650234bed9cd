#pragma once
// Runs container tasks through the podman or docker command line on this machine: one
// container with its retries, or a pipeline (a boot's `validate` / `before_shutdown` list)
// that stops at its first failure. Without a container engine every task fails with a clear
// message; nothing is ever reported as a success that did not run.

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "container/process.h"
#include "container/spec.h"

#include "base/result.h"

namespace vq::container {

struct Attempt {
    int exit_code = -1;
    bool timed_out = false;
    std::string output;  // bounded, see RuntimeConfig::output_limit
    bool truncated = false;
    std::chrono::milliseconds duration{0};
};

struct ContainerResult {
    std::string image;
    std::string command_line;       // credentials masked
    std::vector<Attempt> attempts;  // 1 + retries used
    bool ok = false;
    std::string error;  // why it failed, for the host's timeline; empty when ok
};

struct PipelineResult {
    std::vector<ContainerResult> steps;  // up to and including the first failure
    bool ok = true;
};

class ContainerRunner {
public:
    explicit ContainerRunner(RuntimeConfig config);

    // The engine binary that will run containers, or an error saying what is missing.
    Result<std::string> engine() const;

    ContainerResult run(const ContainerSpec& spec);
    PipelineResult runPipeline(const std::vector<ContainerSpec>& specs);

private:
    Attempt attempt(const std::vector<std::string>& argv,
                    const std::string& binary,
                    const std::string& name,
                    std::chrono::seconds timeout);

    RuntimeConfig config_;
    std::atomic<uint64_t> next_id_{1};
};

}  // namespace vq::container
