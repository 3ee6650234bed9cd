#include "agent/task_runner.h"

#include "container/runner.h"
#include "container/spec_json.h"
#include <nlohmann/json.hpp>

#include "power/perform.h"
#include "power/target_json.h"

namespace vq::agent {
namespace {

std::string masked(std::string text, const std::string& secret) {
    if (secret.empty())
        return text;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 10)) {
        text.replace(at, secret.size(), "<redacted>");
    }
    return text;
}

control::TaskResult runPower(const control::Task& task, const TaskRunnerOptions& options) {
    auto target = power::targetFromJson(task.args);
    if (!target)
        return {task.id, false, target.message()};
    auto driver = power::makeDriver(*target, options.drivers);
    if (!driver)
        return {task.id, false, power::redact(driver.message(), *target)};
    auto r = power::reprovisionReboot(**driver, target->soft_reboot);
    if (!r)
        return {task.id, false, power::redact(r.message(), *target)};
    return {task.id, true, power::redact(*r, *target)};
}

control::TaskResult runContainers(const control::Task& task, const TaskRunnerOptions& options) {
    const auto args = nlohmann::json::parse(task.args, nullptr, false);
    if (!args.is_object() || !args.contains("containers"))
        return {task.id, false, "containers task: no containers in its args"};
    auto specs = container::specsFromJson(args["containers"].dump());
    if (!specs)
        return {task.id, false, specs.message()};
    container::ContainerRunner runner(options.runtime);
    auto r = runner.runPipeline(*specs);
    std::string detail;
    if (!r.ok)
        detail = r.steps.empty() ? "pipeline failed" : r.steps.back().error;
    for (const auto& s : *specs)
        detail = masked(std::move(detail), s.registry_password);
    return {task.id, r.ok, std::move(detail)};
}

}  // namespace

control::TaskResult runTask(const control::Task& task, const TaskRunnerOptions& options) {
    if (task.kind == control::kPowerTask)
        return runPower(task, options);
    if (task.kind == control::kContainersTask)
        return runContainers(task, options);
    return {task.id, false, "unknown task kind '" + task.kind + "'"};
}

}  // namespace vq::agent
