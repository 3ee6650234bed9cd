// The state engine's actions as tasks: what an agent leases is the whole action (the BMC
// target, the rendered pipeline) for the host's site, and its report answers the engine.
#include "server/task_effects.h"

#include "container/spec_json.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "power/target_json.h"

namespace vq::server {
namespace {

using namespace std::chrono_literals;

TEST(TaskEffects, ARebootIsAPowerTaskOfTheHostsSite) {
    TaskQueue q({}, nullptr);
    TaskEffects fx(q);
    power::Target t;
    t.host = "node1";
    t.driver = "ipmi";
    t.address = "10.99.9.31";
    t.username = "admin";
    t.password = "s3cret";
    t.soft_reboot = true;
    t.soft_timeout = 30;
    bool called = false, ok = false;
    fx.reboot({"lab/node1", "lab/node1/reboot/r2/a0/t1"}, t, [&](bool k, std::string) {
        called = true;
        ok = k;
    });
    EXPECT_TRUE(q.lease("other", "b1", 10, 0ms)->empty());
    auto leased = q.lease("lab", "a1", 10, 0ms);
    ASSERT_TRUE(leased);
    ASSERT_EQ(leased->size(), 1u);
    const control::Task& task = (*leased)[0];
    EXPECT_EQ(task.id, "lab/node1/reboot/r2/a0/t1");
    EXPECT_EQ(task.site, "lab");
    EXPECT_EQ(task.host, "node1");
    EXPECT_EQ(task.kind, control::kPowerTask);
    EXPECT_EQ(task.timeout_s, 150u) << "power timeout + the BMC's soft_timeout";
    auto back = power::targetFromJson(task.args);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->address, "10.99.9.31");
    EXPECT_EQ(back->password, "s3cret");
    EXPECT_TRUE(back->soft_reboot);
    ASSERT_TRUE(q.complete("lab", "a1", {{task.id, true, "power cycled"}}));
    EXPECT_TRUE(called);
    EXPECT_TRUE(ok);
}

TEST(TaskEffects, APipelineIsAContainersTaskWithItsStepAndTimeouts) {
    TaskQueue q({}, nullptr);
    TaskEffectsOptions o;
    o.container_timeout_s = 100;
    TaskEffects fx(q, o);
    container::ContainerSpec a;
    a.image = "localhost/check";
    a.retry = 1;  // two attempts of the default 100 s
    container::ContainerSpec b;
    b.image = "localhost/other";
    b.timeout_s = 30;
    std::string error;
    fx.runContainers({"lab/node1", "k"}, workflow::ActionKind::validate, {a, b},
                     [&](bool, std::string e) { error = std::move(e); });
    auto leased = q.lease("lab", "a1", 10, 0ms);
    ASSERT_EQ(leased->size(), 1u);
    const control::Task& task = (*leased)[0];
    EXPECT_EQ(task.kind, control::kContainersTask);
    EXPECT_EQ(task.timeout_s, 60u + 200u + 30u);
    const auto args = nlohmann::json::parse(task.args);
    EXPECT_EQ(args["step"], "validate");
    auto specs = container::specsFromJson(args["containers"].dump());
    ASSERT_TRUE(specs);
    ASSERT_EQ(specs->size(), 2u);
    EXPECT_EQ((*specs)[1].image, "localhost/other");
    ASSERT_TRUE(q.complete("lab", "a1", {{task.id, false, "validate[1]: exit 3"}}));
    EXPECT_EQ(error, "validate[1]: exit 3");
}

}  // namespace
}  // namespace vq::server
