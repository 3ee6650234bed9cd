// Containers run by a real engine: podman with an image made here from busybox-static
// (`podman import`; no registry is reachable). Needs root and podman; under CI=true their
// absence is a failure, elsewhere a skip.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "container/process.h"
#include "container/runner.h"
#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::container {
namespace {

namespace fs = std::filesystem;
const char* const kImage = "localhost/vaquero-test-busybox:latest";

// This machine's podman needs runc, cgroupfs and bounded ulimits: configuration, as an
// operator would write it.
RuntimeConfig podmanConfig() {
    RuntimeConfig rt;
    rt.runtime = "podman";
    rt.global_args = {"--runtime", "runc", "--cgroup-manager", "cgroupfs"};
    rt.run_args = {"--ulimit",        "nofile=1024:1024", "--ulimit",
                   "nproc=4096:4096", "--network",        "none"};
    return rt;
}

class PodmanTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const bool ci = std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true";
        std::string why;
        if (::geteuid() != 0)
            why = "needs root";
        else if (findInPath("podman").empty())
            why = "needs podman (make deps installs it)";
        else if (!fs::exists("/bin/busybox"))
            why = "needs busybox-static (make deps installs it)";
        if (!why.empty()) {
            unavailable_ = ci ? "FAIL under CI: " + why : why;
            fail_ = ci;
            return;
        }
        root_ = fs::temp_directory_path() / ("vq-podman-" + std::to_string(::getpid()));
        fs::create_directories(root_ / "rootfs/bin");
        fs::create_directories(root_ / "rootfs/etc");
        fs::copy_file("/bin/busybox", root_ / "rootfs/bin/busybox");
        for (const char* applet : {"sh", "echo", "test", "sleep", "cat", "env"})
            fs::create_symlink("busybox", root_ / "rootfs/bin" / applet);
        ProcessLimits limits;
        limits.timeout = std::chrono::seconds(120);
        auto tar = runProcess({findInPath("tar"), "-C", (root_ / "rootfs").string(), "-cf",
                               (root_ / "rootfs.tar").string(), "."},
                              limits);
        auto rt = podmanConfig();
        std::vector<std::string> import{findInPath("podman")};
        import.insert(import.end(), rt.global_args.begin(), rt.global_args.end());
        import.insert(import.end(), {"import", (root_ / "rootfs.tar").string(), kImage});
        auto imported = runProcess(import, limits);
        if (!tar || !tar->ok() || !imported || !imported->ok()) {
            unavailable_ = "cannot build the test image: " +
                           (imported ? imported->output : imported.message());
            fail_ = true;
        }
    }
    static void TearDownTestSuite() {
        if (!root_.empty()) {
            auto rt = podmanConfig();
            std::vector<std::string> rmi{findInPath("podman")};
            rmi.insert(rmi.end(), rt.global_args.begin(), rt.global_args.end());
            rmi.insert(rmi.end(), {"rmi", "--force", kImage});
            (void)runProcess(rmi, {});
            fs::remove_all(root_);
        }
    }
    void SetUp() override {
        if (fail_)
            FAIL() << unavailable_;
        if (!unavailable_.empty())
            GTEST_SKIP() << unavailable_;
    }

    static ContainerSpec spec() {
        ContainerSpec s;
        s.image = kImage;
        s.timeout_s = 60;
        return s;
    }

    static inline fs::path root_;
    static inline std::string unavailable_;
    static inline bool fail_ = false;
};

TEST_F(PodmanTest, EverySotFormRunsAndAPipelineStopsAtItsFirstFailure) {
    ContainerRunner runner(podmanConfig());
    ContainerSpec v014 = spec();  // command + args (v0.14)
    v014.command = "echo";
    v014.args = {"shutting down", "etcd master"};
    ContainerSpec older = spec();  // commands (earlier SoTs)
    older.commands = {"test -e /etc", "echo etc is there"};
    ContainerSpec with_env = spec();
    with_env.commands = {"echo site=$SITE"};
    with_env.env = {{"SITE", "lab"}};
    ContainerSpec failing = spec();
    failing.command = "echo SOMETHINGS WRONG; exit 7";
    ContainerSpec never = spec();
    never.commands = {"echo must not run"};

    auto p = runner.runPipeline({v014, older, with_env, failing, never});
    EXPECT_FALSE(p.ok);
    ASSERT_EQ(p.steps.size(), 4u);
    ASSERT_FALSE(p.steps[0].attempts.empty());
    EXPECT_TRUE(p.steps[0].ok) << p.steps[0].error << p.steps[0].attempts[0].output;
    EXPECT_EQ(p.steps[0].attempts[0].output, "shutting down etcd master\n");
    EXPECT_EQ(p.steps[1].attempts.at(0).output, "etc is there\n");
    EXPECT_EQ(p.steps[2].attempts.at(0).output, "site=lab\n");
    EXPECT_FALSE(p.steps[3].ok);
    EXPECT_EQ(p.steps[3].error, "exit code 7");
    EXPECT_NE(p.steps[3].attempts.at(0).output.find("SOMETHINGS WRONG"), std::string::npos);
}

TEST_F(PodmanTest, AContainerThatNeverExitsIsStoppedAndRemoved) {
    ContainerRunner runner(podmanConfig());
    ContainerSpec s = spec();
    s.commands = {"sleep 300"};
    s.timeout_s = 3;
    auto r = runner.run(s);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "timed out after 3 s");
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_LT(r.attempts[0].duration, std::chrono::seconds(20));
    // Nothing of this runner's containers is left.
    auto rt = podmanConfig();
    std::vector<std::string> ps{findInPath("podman")};
    ps.insert(ps.end(), rt.global_args.begin(), rt.global_args.end());
    ps.insert(ps.end(), {"ps", "--all", "--format", "{{.Names}}"});
    auto listed = runProcess(ps, {});
    ASSERT_TRUE(listed && listed->ok());
    EXPECT_EQ(listed->output.find("vaquero-task-" + std::to_string(::getpid())), std::string::npos)
        << listed->output;
}

TEST_F(PodmanTest, AMissingImageFailsWithTheEnginesWords) {
    ContainerRunner runner(podmanConfig());
    ContainerSpec s = spec();
    s.image = "localhost/vaquero-no-such-image:none";
    auto r = runner.run(s);
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_NE(r.attempts[0].exit_code, 0);
    EXPECT_FALSE(r.attempts[0].output.empty());
}

}  // namespace
}  // namespace vq::container
