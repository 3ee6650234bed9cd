// The task journal in a file and in etcd: leases and results survive a reopen, only the
// newest are kept (in memory and where they are stored), and in etcd a deposed leader's
// journal writes nothing.
#include <fstream>

#include "etcd/testing/fake_etcd.h"
#include "etcd/testing/leadership.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include "server/etcd_task_journal.h"
#include "server/file_task_journal.h"
#include "store/etcd_rollout_store.h"

namespace vq::server {
namespace {

class FileTaskJournalTest : public ::testing::Test {
protected:
    void SetUp() override {
        file_ = std::filesystem::temp_directory_path() /
                ("vq-task-journal-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name()) /
                "tasks.journal";
        std::filesystem::remove_all(file_.parent_path());
    }
    void TearDown() override { std::filesystem::remove_all(file_.parent_path()); }
    std::filesystem::path file_;
};

void writeSome(TaskJournal& j) {
    ASSERT_TRUE(j.leased("a", "agent1"));
    ASSERT_TRUE(j.leased("b", "agent2"));
    ASSERT_TRUE(j.done("b", false, "BMC refused"));
}

void expectSome(const TaskJournal& j) {
    auto a = j.find("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->agent, "agent1");
    EXPECT_FALSE(a->done);
    auto b = j.find("b");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->done);
    EXPECT_FALSE(b->ok);
    EXPECT_EQ(b->agent, "agent2");
    EXPECT_EQ(b->detail, "BMC refused");
    EXPECT_FALSE(j.find("c"));
}

void churn(TaskJournal& j, int n) {
    for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(j.leased("t" + std::to_string(i), "a"));
        ASSERT_TRUE(j.done("t" + std::to_string(i), true, ""));
    }
}

TEST_F(FileTaskJournalTest, RemembersLeasesAndResultsAcrossAReopen) {
    {
        auto j = FileTaskJournal::open(file_, 10);
        ASSERT_TRUE(j) << j.message();
        writeSome(**j);
    }
    // A torn last line (a crash mid-write) is skipped.
    std::ofstream(file_, std::ios::app) << "{\"id\":\"c\",\"ag";
    auto j = FileTaskJournal::open(file_, 10);
    ASSERT_TRUE(j) << j.message();
    expectSome(**j);
}

TEST_F(FileTaskJournalTest, KeepsTheNewestAndStaysSmall) {
    auto j = FileTaskJournal::open(file_, 3);
    ASSERT_TRUE(j);
    churn(**j, 20);
    EXPECT_EQ((*j)->size(), 3u);
    EXPECT_FALSE((*j)->find("t16"));
    EXPECT_TRUE((*j)->find("t19"));
    std::ifstream in(file_);
    size_t lines = 0;
    for (std::string l; std::getline(in, l);)
        ++lines;
    EXPECT_LE(lines, 6u) << "rewritten at twice the entries kept";
    auto again = FileTaskJournal::open(file_, 3);
    ASSERT_TRUE(again);
    EXPECT_TRUE((*again)->find("t17"));
    EXPECT_TRUE((*again)->find("t19")->ok);
}

struct EtcdTaskJournalTest : ::testing::Test {
    std::shared_ptr<etcd::FakeEtcd> fake = std::make_shared<etcd::FakeEtcd>();
    std::shared_ptr<etcd::Client> client = std::make_shared<etcd::Client>(fake);
    store::EtcdKeyspace keys{"vq", "sot1"};

    Result<std::unique_ptr<EtcdTaskJournal>> open(size_t keep,
                                                  store::EtcdWriterOptions options = {}) {
        return EtcdTaskJournal::open(std::make_shared<store::EtcdWriter>(client, options), keys,
                                     keep);
    }
    size_t stored() { return client->getPrefix("vq/sot1/_tasks/")->kvs.size(); }
};

TEST_F(EtcdTaskJournalTest, RemembersLeasesAndResultsAcrossAReopen) {
    {
        auto j = open(10);
        ASSERT_TRUE(j) << j.message();
        writeSome(**j);
    }
    ASSERT_TRUE(client->put("vq/sot1/_tasks/c", "{\"id\":\"c\",\"ag"));  // not an entry
    auto j = open(10);
    ASSERT_TRUE(j) << j.message();
    expectSome(**j);
    EXPECT_EQ(stored(), 2u) << "what is not an entry is deleted";
    // Tasks are not site records: the rollout never sees them.
    store::EtcdRolloutStore rollout(
        std::make_shared<store::EtcdWriter>(client, store::EtcdWriterOptions{}), keys);
    auto state = rollout.loadRollout(4);
    ASSERT_TRUE(state) << state.message();
    EXPECT_TRUE(state->hosts.empty());
    EXPECT_TRUE(state->history.empty());
}

TEST_F(EtcdTaskJournalTest, KeepsTheNewestInEtcdToo) {
    {
        auto j = open(3);
        ASSERT_TRUE(j);
        churn(**j, 20);
        EXPECT_EQ((*j)->size(), 3u);
    }
    EXPECT_EQ(stored(), 3u);
    auto again = open(2);  // a smaller keep trims at open, oldest first
    ASSERT_TRUE(again);
    EXPECT_EQ(stored(), 2u);
    EXPECT_FALSE((*again)->find("t17"));
    EXPECT_TRUE((*again)->find("t19")->ok);
}

TEST_F(EtcdTaskJournalTest, ADeposedLeaderRecordsNothing) {
    auto leader = etcd::testing::takeLeadership(*client, "vq/leader");
    ASSERT_TRUE(leader) << leader.message();
    store::EtcdWriterOptions fenced;
    fenced.fence = {leader->fence};
    auto j = open(10, fenced);
    ASSERT_TRUE(j);
    ASSERT_TRUE((*j)->leased("a", "agent1"));
    fake->expireLease(leader->lease);
    ASSERT_TRUE(client->put("vq/leader", "other"));
    EXPECT_EQ((*j)->done("a", true, "").code(), StatusCode::failed_precondition);
    auto next = open(10);
    ASSERT_TRUE(next);
    EXPECT_FALSE((*next)->find("a")->done) << "the deposed leader's result did not land";
}

}  // namespace
}  // namespace vq::server
