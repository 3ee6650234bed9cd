#include "container/command_line.h"

#include <gtest/gtest.h>

namespace vq::container {
namespace {

using Argv = std::vector<std::string>;

Argv line(const ContainerSpec& spec, RuntimeConfig rt = {}) {
    auto r = runCommandLine(rt, spec, "/usr/bin/podman", "vq-1");
    EXPECT_TRUE(r) << r.message();
    return r ? *r : Argv{};
}

TEST(ContainerCommandLine, ArgsOnlyGoToTheImageEntrypoint) {
    ContainerSpec s;
    s.image = "ipmitool:latest";
    s.args = {"-I", "lanplus", "chassis", "status"};
    EXPECT_EQ(line(s), (Argv{"/usr/bin/podman", "run", "--rm", "--name", "vq-1", "--pull=missing",
                             "ipmitool:latest", "-I", "lanplus", "chassis", "status"}));
}

TEST(ContainerCommandLine, CommandIsAShellStringWithArgsAppended) {
    ContainerSpec s;
    s.image = "busybox";
    s.pull = true;
    s.command = "echo";
    s.args = {"shutting down etcd master"};
    EXPECT_EQ(line(s), (Argv{"/usr/bin/podman", "run", "--rm", "--name", "vq-1", "--pull=always",
                             "--entrypoint", "/bin/sh", "busybox", "-c", "echo \"$@\"", "sh",
                             "shutting down etcd master"}));
}

TEST(ContainerCommandLine, OlderCommandsRunInTurnAndStopAtTheFirstFailure) {
    ContainerSpec s;
    s.image = "busybox";
    s.commands = {"/bin/ls", "test -e /etc"};
    const Argv argv = line(s);
    ASSERT_GE(argv.size(), 2u);
    EXPECT_EQ(argv[argv.size() - 2], "-c");
    EXPECT_EQ(argv.back(), "/bin/ls && test -e /etc");
}

TEST(ContainerCommandLine, EngineArgumentsEnvAndCredentials) {
    RuntimeConfig rt;
    rt.global_args = {"--runtime", "runc", "--cgroup-manager", "cgroupfs"};
    rt.run_args = {"--ulimit", "nofile=1024:1024"};
    ContainerSpec s;
    s.image = "busybox";
    s.env = {{"A", "1"}, {"B", "two words"}};
    s.registry_username = "bot";
    s.registry_password = "canary-Pa55";
    const Argv argv = line(s, rt);
    EXPECT_EQ((Argv{argv.begin(), argv.begin() + 5}),
              (Argv{"/usr/bin/podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"}));
    EXPECT_EQ(argv[5], "run");
    const std::string shown = displayCommandLine(argv);
    EXPECT_NE(shown.find("--ulimit nofile=1024:1024"), std::string::npos) << shown;
    EXPECT_NE(shown.find("--env A=1 --env 'B=two words'"), std::string::npos) << shown;
    EXPECT_NE(shown.find("--creds 'bot:***'"), std::string::npos) << shown;
    EXPECT_EQ(shown.find("canary-Pa55"), std::string::npos) << shown;
}

TEST(ContainerCommandLine, DockerHasNoCredsFlag) {
    RuntimeConfig rt;
    rt.runtime = "docker";
    ContainerSpec s;
    s.image = "busybox";
    s.registry_username = "bot";
    s.registry_password = "x";
    auto r = runCommandLine(rt, s, "/usr/bin/docker", "vq-1");
    ASSERT_TRUE(r);
    for (const auto& a : *r)
        EXPECT_NE(a, "--creds");
}

TEST(ContainerCommandLine, RefusesWhatCannotRun) {
    ContainerSpec s;
    EXPECT_EQ(runCommandLine({}, s, "podman", "n").code(), StatusCode::invalid_argument);
    s.image = "busybox";
    RuntimeConfig rt;
    rt.runtime = "lxc";
    auto r = runCommandLine(rt, s, "lxc", "n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("podman or docker"), std::string::npos);
}

TEST(ContainerCommandLine, DisplayQuotesForTheShell) {
    EXPECT_EQ(displayCommandLine({"a", "b c", "it's", ""}), "a 'b c' 'it'\\''s' ''");
}

}  // namespace
}  // namespace vq::container
