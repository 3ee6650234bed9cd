#include "etcd/http_transport.h"
#include "etcd/testing/etcd_process.h"
#include "etcd/testing/fake_etcd.h"
#include "etcd/testing/leadership.h"
#include <gtest/gtest.h>

#include "store/etcd_progress_store.h"
#include "store/etcd_rollout_store.h"
#include "store/tests/rollout_store_contract.h"

namespace vq::store {
namespace {

using workflow::HostProgress;
using workflow::HostState;

struct OnFakeEtcd : ::testing::Test {
    std::shared_ptr<etcd::FakeEtcd> fake = std::make_shared<etcd::FakeEtcd>();
    std::shared_ptr<etcd::Client> client = std::make_shared<etcd::Client>(fake);
    EtcdKeyspace keys{"vq", "sot1"};

    std::shared_ptr<EtcdWriter> writer(EtcdWriterOptions options = {}) {
        return std::make_shared<EtcdWriter>(client, std::move(options));
    }
    std::unique_ptr<workflow::RolloutStore> rollout() {
        return std::make_unique<EtcdRolloutStore>(writer(), keys);
    }
};

TEST_F(OnFakeEtcd, RecordsAndHistorySurviveReopening) {
    contract::recordsAndHistorySurviveReopening([&] { return rollout(); });
    // The layout is <Root>/<sot>/<site>/...
    auto host = client->get("vq/sot1/lab/hosts/a");
    ASSERT_TRUE(host && *host);
    EXPECT_TRUE(client->get("vq/sot1/lab/history/a").value());
    EXPECT_TRUE(client->get("vq/sot1/lab/flows/w").value());
}

TEST_F(OnFakeEtcd, ThePlannedRevisionSurvivesReopening) {
    contract::thePlannedRevisionSurvivesReopening([&] { return rollout(); });
    EXPECT_EQ(client->get("vq/sot1/_rollout_follow").value()->value, "4");
}

TEST_F(OnFakeEtcd, RevisionsKeepTheirBundleAndPruneAroundPins) {
    contract::revisionsKeepTheirBundleAndPruneAroundPins([&] { return rollout(); });
}

TEST_F(OnFakeEtcd, ARevisionLargerThanARequestIsChunked) {
    auto s = rollout();
    std::string big;
    for (size_t i = 0; i < 3 * 1024 * 1024; ++i)
        big += static_cast<char>(i * 7 % 251);
    workflow::StoredRevision r{9, "sot1", "", workflow::WallTime(std::chrono::milliseconds(5)),
                               big};
    ASSERT_TRUE(s->saveRevision(r));
    auto back = s->revision(9);
    ASSERT_TRUE(back && *back) << back.message();
    EXPECT_EQ((*back)->bundle, big);
    // A lost chunk is noticed, not served.
    ASSERT_TRUE(client->del(keys.revisionChunk(9, 2)));
    EXPECT_EQ(s->revision(9).code(), StatusCode::internal);
}

// A revision number is handed out once: across reopening, past stored revisions (a keyspace
// written before the counter, or migrated), and not again when the revision's write fails.
TEST_F(OnFakeEtcd, RevisionNumbersAreNeverHandedOutTwice) {
    auto s = rollout();
    auto first = s->allocateRevisionNumber(1);
    ASSERT_TRUE(first) << first.message();
    EXPECT_EQ(*first, 1u);
    EXPECT_EQ(s->allocateRevisionNumber(1).value(), 2u);  // number 1 never saved: still used
    EXPECT_EQ(s->allocateRevisionNumber(7).value(), 7u);  // the caller's own count wins
    auto reopened = rollout();
    EXPECT_EQ(reopened->allocateRevisionNumber(1).value(), 8u);
    // Without the counter, the newest stored revision still counts.
    ASSERT_TRUE(client->del(keys.revisionCounter()));
    workflow::StoredRevision r{20, "sot1", "", workflow::WallTime(std::chrono::milliseconds(5)),
                               "bundle"};
    ASSERT_TRUE(reopened->saveRevision(r));
    EXPECT_EQ(reopened->allocateRevisionNumber(1).value(), 21u);
}

TEST_F(OnFakeEtcd, ProgressRoundTripsBySiteAndHost) {
    EtcdProgressStore s(writer(), keys);
    HostProgress p;
    p.site = "lab";
    p.host = "h1";
    p.workflow = "two";
    p.stage = 1;
    p.boot = "disk";
    p.state = HostState::provisioned;
    p.updated = workflow::WallTime(std::chrono::milliseconds(1795000000123));
    p.checkpoints = 7;
    EXPECT_FALSE(*s.load("lab", "h1"));
    ASSERT_TRUE(s.save(p));
    HostProgress q = p;
    q.site = "edge";
    q.state = HostState::booting;
    ASSERT_TRUE(s.save(q));
    EXPECT_EQ(**s.load("lab", "h1"), p);
    auto all = s.all();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0], q);  // by site, host
    EXPECT_EQ((*all)[1], p);
    EXPECT_TRUE(client->get("vq/sot1/lab/progress/h1").value());
}

TEST_F(OnFakeEtcd, AFencedWriteIsRefusedOnceLeadershipIsLost) {
    auto leader = etcd::testing::takeLeadership(*client, "vq/leader");
    ASSERT_TRUE(leader) << leader.message();
    Status seen = Status::ok();
    EtcdWriterOptions options;
    options.fence = {leader->fence};
    options.on_failure = [&](const Status& st) { seen = st; };
    EtcdProgressStore s(writer(options), keys);
    HostProgress p;
    p.site = "lab";
    p.host = "h1";
    ASSERT_TRUE(s.save(p));
    fake->expireLease(leader->lease);  // paused past its TTL
    ASSERT_TRUE(client->put("vq/leader", "other"));
    p.checkpoints = 2;
    Status st = s.save(p);
    EXPECT_EQ(st.code(), StatusCode::failed_precondition);
    EXPECT_EQ(seen.code(), StatusCode::failed_precondition);
    EXPECT_EQ((*s.load("lab", "h1"))->checkpoints, 0u);  // nothing landed
}

TEST_F(OnFakeEtcd, EveryWriteCarriesTheMarkInTheSameRevision) {
    EtcdWriterOptions options;
    options.mark = {etcd::Op::put("vq/writer", "leader-a")};
    EtcdProgressStore s(writer(options), keys);
    HostProgress p;
    p.site = "lab";
    p.host = "h1";
    ASSERT_TRUE(s.save(p));
    auto record = client->get("vq/sot1/lab/progress/h1");
    auto mark = client->get("vq/writer");
    ASSERT_TRUE(record && *record && mark && *mark);
    EXPECT_EQ((*mark)->value, "leader-a");
    EXPECT_EQ((*mark)->mod_revision, (*record)->mod_revision);
}

TEST_F(OnFakeEtcd, ALostClusterFailsWritesAsUnavailable) {
    Status seen = Status::ok();
    EtcdWriterOptions options;
    options.on_failure = [&](const Status& st) { seen = st; };
    auto s = std::make_unique<EtcdRolloutStore>(writer(options), keys);
    fake->setDown(true);
    workflow::HostRecord h;
    h.key = "lab/a";
    EXPECT_EQ(s->wait(s->saveRollout({{h}, {}}, {}, 4)).code(), StatusCode::unavailable);
    EXPECT_EQ(seen.code(), StatusCode::unavailable);
}

TEST_F(OnFakeEtcd, ManyRecordsAreSplitUnderTheTxnLimit) {
    auto s = rollout();
    workflow::RolloutChanges changes;
    for (int i = 0; i < 450; ++i) {
        workflow::HostRecord h;
        h.key = "lab/h" + std::to_string(i);
        changes.hosts.push_back(h);
    }
    ASSERT_TRUE(s->wait(s->saveRollout(changes, {}, 4)));
    auto state = rollout()->loadRollout(4);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->hosts.size(), 450u);
}

TEST(EtcdStoreOnRealEtcd, RolloutContract) {
    if (!etcd::testing::EtcdCluster::available())
        GTEST_SKIP() << "etcd is not installed";
    auto cluster = etcd::testing::EtcdCluster::start(1);
    ASSERT_TRUE(cluster) << cluster.message();
    auto t = etcd::HttpTransport::create(etcd::HttpTransportOptions{(*cluster)->endpoints()});
    ASSERT_TRUE(t);
    auto client = std::make_shared<etcd::Client>(std::shared_ptr<etcd::Transport>(std::move(*t)));
    auto writer = std::make_shared<EtcdWriter>(client, EtcdWriterOptions{});
    const EtcdKeyspace keys{"vq", "sot1"};
    auto reopen = [&] { return std::make_unique<EtcdRolloutStore>(writer, keys); };
    contract::recordsAndHistorySurviveReopening(reopen);
    contract::thePlannedRevisionSurvivesReopening(reopen);
    contract::revisionsKeepTheirBundleAndPruneAroundPins(reopen);
    // A revision above etcd's 1.5 MiB request limit.
    std::string big(4 * 1024 * 1024, 'x');
    big[12345] = 'y';
    auto s = reopen();
    ASSERT_TRUE(s->saveRevision(workflow::StoredRevision{
        20, "sot1", "", workflow::WallTime(std::chrono::milliseconds(5)), big}));
    auto back = s->revision(20);
    ASSERT_TRUE(back && *back) << back.message();
    EXPECT_EQ((*back)->bundle, big);
}

}  // namespace
}  // namespace vq::store
