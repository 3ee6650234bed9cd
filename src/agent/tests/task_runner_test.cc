// Tasks run here without touching anything real: what cannot run fails with its reason,
// and no secret of the task comes back in the result.
#include "agent/task_runner.h"

#include "container/spec_json.h"
#include <gtest/gtest.h>

#include "power/target_json.h"

namespace vq::agent {
namespace {

TEST(TaskRunner, AnUnknownKindOrBadArgsFail) {
    TaskRunnerOptions o;
    auto r = runTask({"1", "lab", "n", "teleport", "{}", 10}, o);
    EXPECT_EQ(r.id, "1");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("teleport"), std::string::npos);
    EXPECT_FALSE(runTask({"2", "lab", "n", "power", "nope", 10}, o).ok);
    EXPECT_FALSE(runTask({"3", "lab", "n", "containers", "{}", 10}, o).ok);
}

TEST(TaskRunner, APowerTaskThatCannotRunSaysWhyWithoutThePassword) {
    power::Target t;
    t.host = "node1";
    t.driver = "ipmi";  // no address: refused before any packet
    t.username = "admin";
    t.password = "pw-s3cret-42";
    auto r = runTask({"1", "lab", "node1", "power", power::targetToJson(t), 10}, {});
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.detail.empty());
    EXPECT_EQ(r.detail.find("pw-s3cret-42"), std::string::npos) << r.detail;
}

TEST(TaskRunner, NoContainerEngineIsAFailureNeverASuccess) {
    TaskRunnerOptions o;
    o.runtime.binary = "/nonexistent/podman";
    container::ContainerSpec s;
    s.image = "localhost/check";
    s.registry_password = "reg-s3cret";
    const std::string args =
        R"({"step":"validate","containers":)" + container::specsToJson({s}) + "}";
    auto r = runTask({"1", "lab", "node1", "containers", args, 10}, o);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("no container runtime"), std::string::npos) << r.detail;
    EXPECT_EQ(r.detail.find("reg-s3cret"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace vq::agent
