// The client against real etcd members (Debian's etcd-server), started and stopped here.
#include "etcd/client.h"
#include "etcd/election.h"
#include "etcd/http_transport.h"
#include "etcd/testing/etcd_process.h"
#include "etcd/tests/client_contract.h"
#include <gtest/gtest.h>

namespace vq::etcd {
namespace {

class RealEtcd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!testing::EtcdCluster::available())
            return;
        auto c = testing::EtcdCluster::start(1);
        ASSERT_TRUE(c) << c.message();
        cluster_ = std::move(*c);
    }
    static void TearDownTestSuite() { cluster_.reset(); }
    void SetUp() override {
        if (!cluster_)
            GTEST_SKIP() << "etcd is not installed (apt-get install etcd-server)";
        auto t = HttpTransport::create(HttpTransportOptions{cluster_->endpoints()});
        ASSERT_TRUE(t) << t.message();
        client_ = std::make_unique<Client>(std::shared_ptr<Transport>(std::move(*t)),
                                           ClientOptions{std::chrono::seconds(2), 10});
    }
    static inline std::unique_ptr<testing::EtcdCluster> cluster_;
    std::unique_ptr<Client> client_;
};

TEST_F(RealEtcd, PutGetDelete) {
    contract::putGetDelete(*client_);
}
TEST_F(RealEtcd, PrefixReadsPageAtOneRevision) {
    contract::prefixReadsPageAtOneRevision(*client_);
}
TEST_F(RealEtcd, TxnComparesRevisions) {
    contract::txnComparesRevisions(*client_);
}
TEST_F(RealEtcd, LeasesKeepAndRevoke) {
    contract::leasesKeepAndRevoke(*client_);
}
TEST_F(RealEtcd, WatchSeesPutsAndDeletes) {
    contract::watchSeesPutsAndDeletes(*client_);
}

TEST_F(RealEtcd, ALeaseNotKeptAliveExpires) {
    auto lease = client_->leaseGrant(1);
    ASSERT_TRUE(lease) << lease.message();
    ASSERT_TRUE(client_->put("/expiring", "v", *lease));
    // etcd's minimum TTL is above 1 s; give it 4 s at most.
    bool gone = false;
    for (int i = 0; i < 40 && !gone; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto got = client_->get("/expiring");
        ASSERT_TRUE(got);
        gone = !*got;
    }
    EXPECT_TRUE(gone);
    EXPECT_EQ(client_->leaseKeepAlive(*lease).code(), StatusCode::not_found);
}

TEST_F(RealEtcd, TooLargeARequestIsRefused) {
    // etcd's default limit is 1.5 MiB.
    EXPECT_EQ(client_->put("/big", std::string(2 << 20, 'x')).code(), StatusCode::invalid_argument);
}

}  // namespace
}  // namespace vq::etcd

namespace vq::etcd {
namespace {

// A leader that stops keeping its lease alive (a paused process) loses the key within its
// TTL on a real member; another takes it, and the first one's fenced writes are refused.
TEST_F(RealEtcd, APausedLeaderLosesItsKeyAndItsWrites) {
    auto shared = std::shared_ptr<Client>(client_.release());
    Election a(shared, ElectionOptions{"/ha/leader", "a", 1});
    ASSERT_TRUE(a.campaign([] { return false; }));
    Election b(shared, ElectionOptions{"/ha/leader", "b", 1});
    const auto t0 = std::chrono::steady_clock::now();
    int polls = 0;
    ASSERT_TRUE(b.campaign([&] { return ++polls > 100; }));  // 100 polls of 100 ms at most
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, std::chrono::seconds(5));
    auto stale = shared->txn(a.fence(), {Op::put("/ha/state", "from a")});
    ASSERT_TRUE(stale);
    EXPECT_FALSE(stale->succeeded);
    auto state = shared->get("/ha/state");
    ASSERT_TRUE(state);
    EXPECT_FALSE(*state);
}

}  // namespace
}  // namespace vq::etcd
