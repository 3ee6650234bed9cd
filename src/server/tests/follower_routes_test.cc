#include "server/follower_routes.h"

#include "control/wire.h"
#include <gtest/gtest.h>

namespace vq::server {
namespace {

namespace wire = control::wire;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(FollowerRoutes, WhatChangesStateIsLeaderOnly) {
    for (auto path : {wire::kEvents, wire::kCheckpoint, wire::kTasks, wire::kTaskResults}) {
        const ForwardRule r = forwardRule(path);
        EXPECT_TRUE(r.known) << path;
        EXPECT_TRUE(r.leader_only) << path;
    }
    for (auto path : {wire::kLogin, wire::kWatch, wire::kBundle, wire::kManifest}) {
        const ForwardRule r = forwardRule(path);
        EXPECT_TRUE(r.known) << path;
        EXPECT_FALSE(r.leader_only) << path;
    }
    EXPECT_FALSE(forwardRule("/v1/nothing").known);
    EXPECT_FALSE(forwardRule("/v1/checkpoint/").known);
}

TEST(FollowerRoutes, LoginRevisionsAndBundlesAreAnsweredHere) {
    for (auto path : {wire::kLogin, wire::kWatch, wire::kBundle})
        EXPECT_TRUE(forwardRule(path).answered_here) << path;
    // The manifest comes from the leader's state engine, the rest changes state.
    for (auto path :
         {wire::kManifest, wire::kEvents, wire::kCheckpoint, wire::kTasks, wire::kTaskResults})
        EXPECT_FALSE(forwardRule(path).answered_here) << path;
}

TEST(FollowerRoutes, LongPollsAndTheirAnswers) {
    EXPECT_TRUE(forwardRule(wire::kWatch).long_poll);
    EXPECT_TRUE(forwardRule(wire::kManifest).long_poll);
    EXPECT_TRUE(forwardRule(wire::kTasks).long_poll);
    EXPECT_FALSE(forwardRule(wire::kCheckpoint).long_poll);
    EXPECT_EQ(forwardRule(wire::kBundle).content_type, "application/zstd");
    EXPECT_EQ(forwardRule(wire::kManifest).content_type, "application/json");
}

TEST(FollowerRoutes, ALongPollWaitsItsWaitPlusTheExchange) {
    const ForwardRule poll = forwardRule(wire::kManifest);
    const milliseconds watch = seconds(25);
    const milliseconds plain = forwardTimeout(forwardRule(wire::kCheckpoint), 3, watch);
    EXPECT_EQ(forwardTimeout(poll, 3, watch), seconds(3) + plain);
    // No wait, 0, or more than the leader allows: the leader's watch timeout.
    EXPECT_EQ(forwardTimeout(poll, std::nullopt, watch), watch + plain);
    EXPECT_EQ(forwardTimeout(poll, 0, watch), watch + plain);
    EXPECT_EQ(forwardTimeout(poll, 3600, watch), watch + plain);
    EXPECT_GT(plain, seconds(1));
}

TEST(FollowerRoutes, TheTargetIsTheLeadersServerApi) {
    const ForwardTarget t =
        forwardTarget("vq2/9@127.0.0.1:1 server_api=127.0.0.1:24601", "vq1/8@127.0.0.1:1");
    ASSERT_TRUE(t.endpoint);
    EXPECT_EQ(t.endpoint->addr, "127.0.0.1");
    EXPECT_EQ(t.endpoint->port, 24601);
    EXPECT_TRUE(t.why_not.empty());
}

TEST(FollowerRoutes, NoTargetWithoutALeaderOrAnEndpointOrWhenTakingOver) {
    const ForwardTarget none = forwardTarget("", "vq1/8@127.0.0.1:1");
    EXPECT_FALSE(none.endpoint);
    EXPECT_NE(none.why_not.find("no server leads"), std::string::npos);

    const ForwardTarget old = forwardTarget("vq2/9@127.0.0.1:1", "vq1/8@127.0.0.1:1");
    EXPECT_FALSE(old.endpoint);
    EXPECT_NE(old.why_not.find("vq2/9@127.0.0.1:1"), std::string::npos);

    // This server won the campaign but its follower listener still answers: never to itself.
    const ForwardTarget self =
        forwardTarget("vq1/8@127.0.0.1:1 server_api=127.0.0.1:24601", "vq1/8@127.0.0.1:1");
    EXPECT_FALSE(self.endpoint);
    EXPECT_NE(self.why_not.find("taking over"), std::string::npos);
}

}  // namespace
}  // namespace vq::server
