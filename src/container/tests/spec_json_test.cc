#include "container/spec_json.h"

#include <gtest/gtest.h>

namespace vq::container {
namespace {

TEST(SpecJson, RoundTripsAPipeline) {
    ContainerSpec a;
    a.image = "localhost/check:1";
    a.pull = true;
    a.command = "check";
    a.args = {"--host", "node1"};
    a.env = {{"SITE", "lab"}};
    a.registry_username = "u";
    a.registry_password = "p";
    a.retry = 2;
    a.timeout_s = 60;
    ContainerSpec b;
    b.image = "busybox";
    b.commands = {"true", "echo ok"};
    auto back = specsFromJson(specsToJson({a, b}));
    ASSERT_TRUE(back) << back.message();
    ASSERT_EQ(back->size(), 2u);
    const ContainerSpec& x = (*back)[0];
    EXPECT_EQ(x.image, a.image);
    EXPECT_TRUE(x.pull);
    EXPECT_EQ(x.command, "check");
    EXPECT_EQ(x.args, a.args);
    EXPECT_EQ(x.env, a.env);
    EXPECT_EQ(x.registry_username, "u");
    EXPECT_EQ(x.registry_password, "p");
    EXPECT_EQ(x.retry, 2);
    EXPECT_EQ(x.timeout_s, 60);
    EXPECT_EQ((*back)[1].commands, b.commands);
    EXPECT_FALSE((*back)[1].pull);
}

TEST(SpecJson, RefusesWhatIsNotAPipeline) {
    EXPECT_FALSE(specsFromJson("{}"));
    EXPECT_FALSE(specsFromJson("[1]"));
    EXPECT_FALSE(specsFromJson(R"([{"command":"x"}])")) << "no image";
    auto odd = specsFromJson(R"([{"image":"i","retry":-4,"timeout_s":"x","env":[["a"]]}])");
    ASSERT_TRUE(odd);
    EXPECT_EQ((*odd)[0].retry, 0);
    EXPECT_EQ((*odd)[0].timeout_s, 0);
    EXPECT_TRUE((*odd)[0].env.empty());
}

}  // namespace
}  // namespace vq::container
