// InProcessEffects without touching anything real: a target no driver can reach and a
// container engine that is absent both come back as failures that say why, from the pool.
#include "server/in_process_effects.h"

#include <future>

#include <gtest/gtest.h>

namespace vq::server {
namespace {

struct Answer {
    bool ok = true;
    std::string error;
};

TEST(InProcessEffects, AnIncompleteOrCustomTargetFailsWithItsReason) {
    InProcessEffects fx({2, {}, {}});
    std::promise<Answer> missing, custom;
    power::Target t;
    t.host = "a";
    t.driver = "ipmi";  // no address, no user: checkTarget refuses it before any packet
    fx.reboot("lab/a", t, [&](bool ok, std::string e) { missing.set_value({ok, e}); });
    t.driver = "custom";
    t.address = "10.99.0.21";
    t.username = "u";
    fx.reboot("lab/a", t, [&](bool ok, std::string e) { custom.set_value({ok, e}); });
    auto m = missing.get_future().get();
    EXPECT_FALSE(m.ok);
    EXPECT_FALSE(m.error.empty());
    auto c = custom.get_future().get();
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.error.find("custom"), std::string::npos) << c.error;
}

TEST(InProcessEffects, NoContainerEngineIsAFailureNeverASuccess) {
    InProcessEffectsOptions options;
    options.runtime.binary = "/nonexistent/podman";
    InProcessEffects fx(options);
    container::ContainerSpec spec;
    spec.image = "localhost/check";
    std::promise<Answer> done;
    fx.runContainers("lab/a", workflow::ActionKind::validate, {spec}, [&](bool ok, std::string e) {
        done.set_value({ok, e});
    });
    auto a = done.get_future().get();
    EXPECT_FALSE(a.ok);
    EXPECT_NE(a.error.find("no container runtime"), std::string::npos) << a.error;
}

}  // namespace
}  // namespace vq::server
