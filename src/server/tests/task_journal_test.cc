#include "server/task_journal.h"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::server {
namespace {

class TaskJournalTest : public ::testing::Test {
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

TEST_F(TaskJournalTest, RemembersLeasesAndResultsAcrossAReopen) {
    {
        auto j = TaskJournal::open(file_, 10);
        ASSERT_TRUE(j) << j.message();
        ASSERT_TRUE((*j)->leased("a", "agent1"));
        ASSERT_TRUE((*j)->leased("b", "agent2"));
        ASSERT_TRUE((*j)->done("b", false, "BMC refused"));
    }
    // A torn last line (a crash mid-write) is skipped.
    std::ofstream(file_, std::ios::app) << "{\"id\":\"c\",\"ag";
    auto j = TaskJournal::open(file_, 10);
    ASSERT_TRUE(j) << j.message();
    auto a = (*j)->find("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->agent, "agent1");
    EXPECT_FALSE(a->done);
    auto b = (*j)->find("b");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->done);
    EXPECT_FALSE(b->ok);
    EXPECT_EQ(b->agent, "agent2");
    EXPECT_EQ(b->detail, "BMC refused");
    EXPECT_FALSE((*j)->find("c"));
}

TEST_F(TaskJournalTest, KeepsTheNewestAndStaysSmall) {
    auto j = TaskJournal::open(file_, 3);
    ASSERT_TRUE(j);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE((*j)->leased("t" + std::to_string(i), "a"));
        ASSERT_TRUE((*j)->done("t" + std::to_string(i), true, ""));
    }
    EXPECT_EQ((*j)->size(), 3u);
    EXPECT_FALSE((*j)->find("t16"));
    EXPECT_TRUE((*j)->find("t19"));
    std::ifstream in(file_);
    size_t lines = 0;
    for (std::string l; std::getline(in, l);)
        ++lines;
    EXPECT_LE(lines, 6u) << "rewritten at twice the entries kept";
    auto again = TaskJournal::open(file_, 3);
    ASSERT_TRUE(again);
    EXPECT_TRUE((*again)->find("t17"));
    EXPECT_TRUE((*again)->find("t19")->ok);
}

}  // namespace
}  // namespace vq::server
