#include "etcd/election.h"

#include "etcd/testing/fake_etcd.h"
#include <gtest/gtest.h>

namespace vq::etcd {
namespace {

struct ElectionOnFake : ::testing::Test {
    std::shared_ptr<FakeEtcd> fake = std::make_shared<FakeEtcd>();
    std::shared_ptr<Client> client = std::make_shared<Client>(fake);
    ElectionOptions opts(const std::string& id) { return ElectionOptions{"vq/leader", id, 1}; }
};

TEST_F(ElectionOnFake, OneLeadsTheOtherWaitsAndTakesOverWhenTheLeaseEnds) {
    Election a(client, opts("a"));
    ASSERT_TRUE(a.campaign([] { return false; }));
    EXPECT_EQ(a.leader().value(), "a");
    Election b(client, opts("b"));
    int polls = 0;
    // b polls while a leads; stop it after a few tries.
    Status st = b.campaign([&] { return ++polls > 3; });
    EXPECT_EQ(st.code(), StatusCode::failed_precondition);
    // a is paused past its lease: the key goes with it, and b leads.
    fake->expireLease(a.lease());
    ASSERT_TRUE(b.campaign([] { return false; }));
    EXPECT_EQ(b.leader().value(), "b");
    // a's fence no longer holds: its writes are refused.
    auto stale = client->txn(a.fence(), {Op::put("vq/state", "from a")});
    ASSERT_TRUE(stale);
    EXPECT_FALSE(stale->succeeded);
    auto fresh = client->txn(b.fence(), {Op::put("vq/state", "from b")});
    ASSERT_TRUE(fresh);
    EXPECT_TRUE(fresh->succeeded);
}

TEST_F(ElectionOnFake, TheLeaderHearsItsLeaseIsGone) {
    Election a(client, opts("a"));
    ASSERT_TRUE(a.campaign([] { return false; }));
    std::atomic<bool> lost{false};
    a.keepLeading([&](const Status&) { lost = true; });
    fake->expireLease(a.lease());
    for (int i = 0; i < 300 && !lost; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(lost);
}

TEST_F(ElectionOnFake, ALostClusterEndsTheCampaignWithAnError) {
    fake->setDown(true);
    Election a(client, opts("a"));
    EXPECT_EQ(a.campaign([] { return false; }).code(), StatusCode::unavailable);
}

TEST_F(ElectionOnFake, AShortOutageMidCampaignIsRiddenOut) {
    Election a(client, opts("a"));
    ASSERT_TRUE(a.campaign([] { return false; }));
    Election b(client, opts("b"));
    int polls = 0;
    // The cluster is unreachable for a few polls (well under b's TTL of 1 s), then back;
    // a's lease ends meanwhile: b goes on campaigning and leads.
    Status st = b.campaign([&] {
        ++polls;
        fake->setDown(polls >= 2 && polls < 5);
        if (polls == 6)
            fake->expireLease(a.lease());
        return polls > 40;
    });
    ASSERT_TRUE(st) << st.message();
    EXPECT_EQ(b.leader().value(), "b");
}

TEST_F(ElectionOnFake, ResigningLetsTheNextLeadAtOnce) {
    Election a(client, opts("a"));
    ASSERT_TRUE(a.campaign([] { return false; }));
    a.resign();
    Election b(client, opts("b"));
    ASSERT_TRUE(b.campaign([] { return false; }));
    EXPECT_EQ(b.leader().value(), "b");
}

}  // namespace
}  // namespace vq::etcd
