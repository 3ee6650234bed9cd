#include "remote/disk_queue.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::remote {
namespace {

namespace fs = std::filesystem;

class DiskQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("vq-dq-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(DiskQueueTest, KeepsOrderAcrossReopen) {
    {
        auto q = DiskQueue::open(dir_ / "q.jsonl", 10);
        ASSERT_TRUE(q) << q.message();
        EXPECT_TRUE((*q)->push("a"));
        EXPECT_TRUE((*q)->push("b"));
        EXPECT_TRUE((*q)->push("c"));
        ASSERT_TRUE((*q)->pop(1));
    }
    auto again = DiskQueue::open(dir_ / "q.jsonl", 10);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->size(), 2u);
    EXPECT_EQ((*again)->front(5), (std::vector<std::string>{"b", "c"}));
}

TEST_F(DiskQueueTest, RefusesWhenFullAndMultilineEntries) {
    auto q = DiskQueue::open(dir_ / "q.jsonl", 2);
    ASSERT_TRUE(q);
    EXPECT_TRUE((*q)->push("1"));
    EXPECT_TRUE((*q)->push("2"));
    EXPECT_FALSE((*q)->push("3"));
    ASSERT_TRUE((*q)->pop(1));
    EXPECT_FALSE((*q)->push("x\ny"));
    EXPECT_TRUE((*q)->push("3"));
    EXPECT_EQ((*q)->front(2), (std::vector<std::string>{"2", "3"}));
}

TEST_F(DiskQueueTest, ReopenHonoursTheLimit) {
    {
        auto q = DiskQueue::open(dir_ / "q.jsonl", 5);
        ASSERT_TRUE(q);
        for (int i = 0; i < 5; ++i)
            ASSERT_TRUE((*q)->push(std::to_string(i)));
    }
    auto smaller = DiskQueue::open(dir_ / "q.jsonl", 3);
    ASSERT_TRUE(smaller);
    EXPECT_EQ((*smaller)->size(), 3u);
    EXPECT_EQ((*smaller)->front(1), (std::vector<std::string>{"0"}));
}

}  // namespace
}  // namespace vq::remote
