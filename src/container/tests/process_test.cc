#include "container/process.h"

#include <gtest/gtest.h>

namespace vq::container {
namespace {

using namespace std::chrono_literals;

ProcessResult run(const std::vector<std::string>& argv, ProcessLimits limits = {}) {
    auto r = runProcess(argv, limits);
    EXPECT_TRUE(r) << r.message();
    return r ? *r : ProcessResult{};
}

TEST(Process, ExitCodeAndBothStreams) {
    auto r = run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.output, "out\nerr\n");
    EXPECT_TRUE(run({"/bin/true"}).ok());
}

TEST(Process, OutputIsBounded) {
    ProcessLimits limits;
    limits.output_limit = 1000;
    auto r =
        run({"/bin/sh", "-c", "i=0; while [ $i -lt 500 ]; do echo 0123456789; i=$((i+1)); done"},
            limits);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output.size(), 1000u);
    EXPECT_TRUE(r.truncated);
}

TEST(Process, TimeoutEndsTheWholeProcessGroup) {
    ProcessLimits limits;
    limits.timeout = 300ms;
    limits.kill_grace = 300ms;
    // The shell ignores SIGTERM; its child would outlive a kill of the shell alone.
    auto r = run({"/bin/sh", "-c", "trap '' TERM; sleep 30 & sleep 30; wait"}, limits);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_LT(r.duration, 5s);
}

TEST(Process, AProgramThatCannotStartIsAnError) {
    auto r = runProcess({"/nonexistent/engine", "run"}, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.code(), StatusCode::not_found);
    EXPECT_NE(r.message().find("/nonexistent/engine"), std::string::npos);
    EXPECT_FALSE(runProcess({}, {}));
}

TEST(Process, FindInPath) {
    EXPECT_EQ(findInPath("sh").empty(), false);
    EXPECT_EQ(findInPath("/bin/sh"), "/bin/sh");
    EXPECT_EQ(findInPath("no-such-engine-anywhere"), "");
    EXPECT_EQ(findInPath(""), "");
}

}  // namespace
}  // namespace vq::container
