#pragma once
// What a container task is (a boot's `validate` / `before_shutdown` step, a `custom` power
// action) and how this machine runs containers. Plain data: the caller fills it from the SoT
// (with templated args already rendered for the host) and from the agent's configuration.

#include <string>
#include <utility>
#include <vector>

namespace vq::container {

struct ContainerSpec {
    std::string image;
    bool pull = false;                  // true: pull the image every time (--pull=always)
    std::string command;                // v0.14: a shell command string, args appended
    std::vector<std::string> args;      // v0.14: arguments (to the command, else to the image)
    std::vector<std::string> commands;  // older SoTs: commands run in turn by /bin/sh -c
    std::vector<std::pair<std::string, std::string>> env;
    std::string registry_username;  // registry_auth: podman --creds (never logged)
    std::string registry_password;
    int retry = 0;      // further attempts after a failure
    int timeout_s = 0;  // per attempt; 0 = the runtime's default below
};

struct RuntimeConfig {
    std::string runtime = "podman";  // podman | docker
    std::string binary;              // empty: `runtime` looked up in PATH
    // Options before `run` (podman: --runtime runc --cgroup-manager cgroupfs, ...) and after
    // it (--ulimit ...): what a machine's container engine needs is configuration, not code.
    std::vector<std::string> global_args;
    std::vector<std::string> run_args;
    int default_timeout_s = 600;      // for specs without a timeout: nothing runs forever
    size_t output_limit = 64 * 1024;  // bytes of output kept per attempt
};

}  // namespace vq::container
