#include "git/mirror.h"

#include <string>

#include "git/testing/local_remote.h"
#include "git/tree_files.h"
#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::git {
namespace {
namespace fs = std::filesystem;

class MirrorTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!testing::LocalRemote::gitAvailable())
            GTEST_SKIP() << "the git command is not installed";
        root_ = fs::path(::testing::TempDir()) /
                ("vq_mirror_test" + std::string("-") + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        remote_ = std::make_unique<testing::LocalRemote>(root_ / "remote");
        ASSERT_TRUE(remote_->ok());
    }
    void TearDown() override {
        remote_.reset();
        fs::remove_all(root_);
    }
    std::unique_ptr<Mirror> openMirror(std::string url) {
        RemoteSpec spec;
        spec.url = std::move(url);
        auto m = Mirror::open(root_ / "mirror.git", spec);
        EXPECT_TRUE(m) << m.message();
        return m ? std::move(*m) : nullptr;
    }

    fs::path root_;
    std::unique_ptr<testing::LocalRemote> remote_;
};

TEST_F(MirrorTest, FetchesTheBranchAndReadsItsTree) {
    remote_->write("os/a.yml", "id: a\n");
    remote_->write("sites/s1/env.yml", "id: s1\n");
    const std::string first = remote_->commitAndPush("first");
    ASSERT_EQ(first.size(), 40u);
    auto mirror = openMirror(remote_->url());
    ASSERT_TRUE(mirror);
    auto head = mirror->fetch("main");
    ASSERT_TRUE(head) << head.message();
    EXPECT_EQ(*head, first);

    auto files = readTree(*mirror, *head);
    ASSERT_TRUE(files) << files.message();
    ASSERT_EQ(files->size(), 2u);
    EXPECT_EQ((*files)[0].path, "os/a.yml");
    EXPECT_EQ((*files)[0].data, "id: a\n");
    auto site = readTree(*mirror, *head, "sites/s1");
    ASSERT_TRUE(site);
    ASSERT_EQ(site->size(), 1u);
    EXPECT_EQ((*site)[0].path, "sites/s1/env.yml");
    auto none = readTree(*mirror, *head, "sites/absent");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());

    // A second push is picked up by the next fetch, in the same mirror.
    remote_->write("os/b.yml", "id: b\n");
    const std::string second = remote_->commitAndPush("second");
    auto again = mirror->fetch("main");
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, second);
}

TEST_F(MirrorTest, ResolvesTagsAndCommits) {
    remote_->write("a", "1");
    const std::string tagged = remote_->commitAndPush("tagged");
    ASSERT_TRUE(remote_->tag("v1"));
    remote_->write("a", "2");
    ASSERT_FALSE(remote_->commitAndPush("later").empty());
    auto mirror = openMirror(remote_->url());
    ASSERT_TRUE(mirror);
    ASSERT_TRUE(mirror->fetch("main"));
    auto v1 = mirror->resolveTagOrCommit("v1");
    ASSERT_TRUE(v1) << v1.message();
    EXPECT_EQ(*v1, tagged);
    auto by_id = mirror->resolveTagOrCommit(tagged.substr(0, 10));
    ASSERT_TRUE(by_id) << by_id.message();
    EXPECT_EQ(*by_id, tagged);
    EXPECT_EQ(mirror->resolveTagOrCommit("v2").code(), StatusCode::not_found);
    EXPECT_EQ(mirror->resolveTagOrCommit("HEAD@{0}").code(), StatusCode::not_found);
    EXPECT_FALSE(mirror->resolveTagOrCommit("deadbeefdeadbeef"));
}

TEST_F(MirrorTest, FailuresAreStatuses) {
    remote_->write("a", "1");
    ASSERT_FALSE(remote_->commitAndPush("one").empty());
    auto mirror = openMirror(remote_->url());
    ASSERT_TRUE(mirror);
    auto missing = mirror->fetch("no-such-branch");
    EXPECT_EQ(missing.code(), StatusCode::not_found);
    EXPECT_NE(missing.message().find("no-such-branch"), std::string::npos);
    EXPECT_EQ(mirror->fetch("bad..name").code(), StatusCode::invalid_argument);

    RemoteSpec hurried;
    hurried.url = remote_->url();
    hurried.deadline = std::chrono::seconds(0);
    auto late = Mirror::open(root_ / "late.git", hurried);
    ASSERT_TRUE(late);
    EXPECT_EQ((*late)->fetch("main").code(), StatusCode::deadline_exceeded);

    auto nowhere = openMirror("file://" + (root_ / "does-not-exist.git").string());
    ASSERT_TRUE(nowhere);
    auto failed = nowhere->fetch("main");
    EXPECT_FALSE(failed);
    EXPECT_NE(failed.message().find("does-not-exist"), std::string::npos) << failed.message();
}

}  // namespace
}  // namespace vq::git
