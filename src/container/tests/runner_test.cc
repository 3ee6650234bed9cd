// The runner against a fake engine: a script that records how it was called and exits as
// told, so retries, pipelines and timeouts are tested without a container engine. The real
// engine is exercised by tests/system/container_podman_test.sh.
#include "container/runner.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vq::container {
namespace {

namespace fs = std::filesystem;

class RunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vq-runner-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        engine_ = dir_ / "fake-podman";
        // Exits with the code named by the image ("exit-3"), counting calls; "sleep" hangs.
        std::ofstream(engine_) << "#!/bin/sh\n"
                                  "echo \"$@\" >> "
                               << (dir_ / "calls").string()
                               << "\n"
                                  "for a in \"$@\"; do case \"$a\" in\n"
                                  "  exit-*) echo \"failing $a\"; exit ${a#exit-} ;;\n"
                                  "  sleep) sleep 30 ;;\n"
                                  "esac; done\n"
                                  "echo ran\n";
        ::chmod(engine_.c_str(), 0755);
        config_.binary = engine_.string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::vector<std::string> calls() const {
        std::ifstream in(dir_ / "calls");
        std::vector<std::string> out;
        for (std::string l; std::getline(in, l);)
            out.push_back(l);
        return out;
    }

    fs::path dir_, engine_;
    RuntimeConfig config_;
};

ContainerSpec image(const std::string& name, int retry = 0) {
    ContainerSpec s;
    s.image = name;
    s.retry = retry;
    return s;
}

TEST_F(RunnerTest, SuccessKeepsOutputAndCommandLine) {
    ContainerRunner runner(config_);
    auto r = runner.run(image("busybox"));
    EXPECT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_EQ(r.attempts[0].output, "ran\n");
    EXPECT_NE(r.command_line.find("run --rm --name vaquero-task-"), std::string::npos)
        << r.command_line;
}

TEST_F(RunnerTest, RetriesThenFailsWithTheExitCode) {
    ContainerRunner runner(config_);
    auto r = runner.run(image("exit-3", 2));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.attempts.size(), 3u);
    EXPECT_EQ(r.error, "exit code 3");
    EXPECT_EQ(r.attempts[2].output, "failing exit-3\n");
    EXPECT_EQ(calls().size(), 3u);
}

TEST_F(RunnerTest, PipelineStopsAtTheFirstFailure) {
    ContainerRunner runner(config_);
    auto p = runner.runPipeline({image("busybox"), image("exit-1"), image("never-run")});
    EXPECT_FALSE(p.ok);
    ASSERT_EQ(p.steps.size(), 2u);
    EXPECT_TRUE(p.steps[0].ok);
    EXPECT_FALSE(p.steps[1].ok);
    for (const auto& c : calls())
        EXPECT_EQ(c.find("never-run"), std::string::npos) << c;
    EXPECT_TRUE(runner.runPipeline({}).ok);
}

TEST_F(RunnerTest, TimeoutFailsAndRemovesTheContainer) {
    ContainerRunner runner(config_);
    ContainerSpec s = image("sleep");
    s.timeout_s = 1;
    auto r = runner.run(s);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "timed out after 1 s");
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_TRUE(r.attempts[0].timed_out);
    const auto c = calls();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[1].rfind("rm --force --time 0 vaquero-task-", 0), 0u) << c[1];
}

TEST_F(RunnerTest, NoEngineIsAClearFailureNeverASuccess) {
    config_.binary = (dir_ / "missing-podman").string();
    ContainerRunner runner(config_);
    auto r = runner.run(image("busybox"));
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.attempts.empty());
    EXPECT_NE(r.error.find("no container runtime"), std::string::npos) << r.error;
    EXPECT_FALSE(runner.runPipeline({image("busybox")}).ok);
}

}  // namespace
}  // namespace vq::container
