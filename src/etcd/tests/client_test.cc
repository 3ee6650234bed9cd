#include "etcd/client.h"

#include "etcd/http_transport.h"
#include "etcd/testing/fake_etcd.h"
#include "etcd/tests/client_contract.h"
#include <gtest/gtest.h>

namespace vq::etcd {
namespace {

struct ClientOnFake : ::testing::Test {
    std::shared_ptr<FakeEtcd> fake = std::make_shared<FakeEtcd>();
    Client client{fake, ClientOptions{std::chrono::milliseconds(500), 10}};
};

TEST_F(ClientOnFake, PutGetDelete) {
    contract::putGetDelete(client);
}
TEST_F(ClientOnFake, PrefixReadsPageAtOneRevision) {
    contract::prefixReadsPageAtOneRevision(client);
    EXPECT_GT(fake->requests(), 3u);  // 25 keys in pages of 10
}
TEST_F(ClientOnFake, TxnComparesRevisions) {
    contract::txnComparesRevisions(client);
}
TEST_F(ClientOnFake, LeasesKeepAndRevoke) {
    contract::leasesKeepAndRevoke(client);
}
TEST_F(ClientOnFake, WatchSeesPutsAndDeletes) {
    contract::watchSeesPutsAndDeletes(client);
}

TEST_F(ClientOnFake, AnExpiredLeaseDeletesItsKeys) {
    auto lease = client.leaseGrant(2);
    ASSERT_TRUE(lease);
    ASSERT_TRUE(client.put("/leader", "me", *lease));
    fake->expireLease(*lease);
    auto got = client.get("/leader");
    ASSERT_TRUE(got);
    EXPECT_FALSE(*got);
    EXPECT_EQ(client.leaseKeepAlive(*lease).code(), StatusCode::not_found);
}

TEST_F(ClientOnFake, ALostClusterIsUnavailable) {
    fake->setDown(true);
    EXPECT_EQ(client.get("/a").code(), StatusCode::unavailable);
    EXPECT_EQ(client.put("/a", "1").code(), StatusCode::unavailable);
}

TEST_F(ClientOnFake, TooLargeARequestIsRefused) {
    fake->setMaxRequestBytes(1000);
    EXPECT_EQ(client.put("/big", std::string(2000, 'x')).code(), StatusCode::invalid_argument);
}

TEST_F(ClientOnFake, AWatchEndsWhenTheClusterIsLost) {
    std::atomic<bool> ended{false};
    auto w = client.watch(
        WatchRequest{"/a"}, [](const std::vector<WatchEvent>&, int64_t) {},
        [&](const Status& why) { ended = !why.isOk(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    fake->setDown(true);
    for (int i = 0; i < 200 && !ended; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(ended);
}

TEST(HttpEndpoint, ParsesUrls) {
    auto ep = parseEndpoint("http://127.0.0.1:2379/");
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->host, "127.0.0.1");
    EXPECT_EQ(ep->port, "2379");
    EXPECT_FALSE(ep->tls);
    EXPECT_TRUE(parseEndpoint("localhost:2379"));
    EXPECT_FALSE(parseEndpoint("http://127.0.0.1"));
    EXPECT_FALSE(parseEndpoint("http://h:23x9"));
    auto tls = parseEndpoint("https://etcd1:2379");
    ASSERT_TRUE(tls);
    EXPECT_EQ(tls->host, "etcd1");
    EXPECT_TRUE(tls->tls);
}

TEST(HttpTransportTest, HttpsWithoutTlsSettingsIsRefused) {
    auto t = HttpTransport::create(HttpTransportOptions{{"https://127.0.0.1:2379"}});
    ASSERT_FALSE(t);
    EXPECT_NE(t.message().find("needs TLS settings"), std::string::npos) << t.message();
}

TEST(HttpTransportTest, NoMemberIsUnavailable) {
    // Port 1 on loopback: nothing listens there.
    auto t = HttpTransport::create(HttpTransportOptions{{"http://127.0.0.1:1"}});
    ASSERT_TRUE(t);
    Client c(std::shared_ptr<Transport>(std::move(*t)));
    EXPECT_EQ(c.get("/a").code(), StatusCode::unavailable);
}

}  // namespace
}  // namespace vq::etcd
