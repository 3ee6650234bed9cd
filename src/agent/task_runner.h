#pragma once
// Runs one task the server handed to this site (control/links.h): a power action through
// src/power (the host's BMC driver: one-time PXE boot, then a cycle or a graceful restart)
// or a container pipeline through src/container (podman or docker on this machine, as the
// `Containers:` configuration says). Blocks until done. The result's detail says why a task
// failed and never carries the task's secrets (BMC password, registry password).

#include "container/spec.h"
#include "control/links.h"

#include "power/driver_factory.h"

namespace vq::agent {

struct TaskRunnerOptions {
    container::RuntimeConfig runtime;
    power::DriverOptions drivers;
};

control::TaskResult runTask(const control::Task& task, const TaskRunnerOptions& options);

}  // namespace vq::agent
