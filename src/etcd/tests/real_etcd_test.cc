// The client against real etcd members (Debian's etcd-server), started and stopped here.
#include "etcd/client.h"
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
