#include "container/runner.h"

#include "container/command_line.h"
#include <fmt/format.h>
#include <unistd.h>

#include "base/log.h"

namespace vq::container {

ContainerRunner::ContainerRunner(RuntimeConfig config) : config_(std::move(config)) {}

Result<std::string> ContainerRunner::engine() const {
    const std::string wanted = config_.binary.empty() ? config_.runtime : config_.binary;
    std::string path = findInPath(wanted);
    if (path.empty()) {
        return Status::failedPrecondition(
            fmt::format("no container runtime: {} not found (install {} or configure another)",
                        wanted, config_.runtime));
    }
    return path;
}

Attempt ContainerRunner::attempt(const std::vector<std::string>& argv,
                                 const std::string& binary,
                                 const std::string& name,
                                 std::chrono::seconds timeout) {
    ProcessLimits limits;
    limits.timeout = timeout;
    limits.output_limit = config_.output_limit;
    Attempt a;
    auto r = runProcess(argv, limits);
    if (!r) {
        a.output = r.message();
        return a;
    }
    a.exit_code = r->exit_code;
    a.timed_out = r->timed_out;
    a.output = std::move(r->output);
    a.truncated = r->truncated;
    a.duration = r->duration;
    if (a.timed_out) {
        // The engine's client was stopped; the container itself may still run under its
        // monitor: remove it by the name this attempt gave it.
        std::vector<std::string> rm{binary};
        rm.insert(rm.end(), config_.global_args.begin(), config_.global_args.end());
        rm.insert(rm.end(), {"rm", "--force"});
        if (config_.runtime == "podman")
            rm.insert(rm.end(), {"--time", "0"});  // no second stop timeout: it had its time
        rm.push_back(name);
        ProcessLimits rm_limits;
        rm_limits.timeout = std::chrono::seconds(30);
        (void)runProcess(rm, rm_limits);
    }
    return a;
}

ContainerResult ContainerRunner::run(const ContainerSpec& spec) {
    ContainerResult result;
    result.image = spec.image;
    auto binary = engine();
    if (!binary) {
        result.error = binary.message();
        return result;
    }
    const int timeout_s = spec.timeout_s > 0 ? spec.timeout_s : config_.default_timeout_s;
    const int attempts = 1 + std::max(0, std::min(spec.retry, 100));
    for (int i = 0; i < attempts; ++i) {
        const std::string name =
            fmt::format("vaquero-task-{}-{}", ::getpid(), next_id_.fetch_add(1));
        auto argv = runCommandLine(config_, spec, *binary, name);
        if (!argv) {
            result.error = argv.message();
            return result;
        }
        result.command_line = displayCommandLine(*argv);
        Attempt a = attempt(*argv, *binary, name, std::chrono::seconds(timeout_s));
        const bool ok = a.exit_code == 0 && !a.timed_out;
        VQ_LOG_INFO("CONTAINER_{} image={} attempt={}/{} exit={} timed_out={} ms={}",
                    ok ? "DONE" : "FAILED", spec.image, i + 1, attempts, a.exit_code, a.timed_out,
                    a.duration.count());
        if (!ok) {
            result.error = a.timed_out ? fmt::format("timed out after {} s", timeout_s)
                                       : fmt::format("exit code {}", a.exit_code);
        }
        result.attempts.push_back(std::move(a));
        if (ok) {
            result.ok = true;
            result.error.clear();
            break;
        }
    }
    return result;
}

PipelineResult ContainerRunner::runPipeline(const std::vector<ContainerSpec>& specs) {
    PipelineResult p;
    for (const auto& spec : specs) {
        p.steps.push_back(run(spec));
        if (!p.steps.back().ok) {
            p.ok = false;
            break;
        }
    }
    return p;
}

}  // namespace vq::container
