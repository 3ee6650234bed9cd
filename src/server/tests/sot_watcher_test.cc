#include "server/sot_watcher.h"

#include <atomic>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::server {
namespace {

namespace fs = std::filesystem;

class SotWatcherTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("vq_sot_" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::copy("examples/vagrant-lab/local", root_, fs::copy_options::recursive);
        auto first = model::loadSot(root_);
        ASSERT_TRUE(first.model);
        ASSERT_FALSE(first.hasErrors());
        holder_.set(first.model);
    }
    void TearDown() override { fs::remove_all(root_); }

    void write(const fs::path& rel, const std::string& text, bool append) {
        std::ofstream out(root_ / rel, append ? std::ios::app : std::ios::trunc);
        out << text;
    }

    fs::path root_;
    control::ModelHolder holder_;
};

TEST_F(SotWatcherTest, ValidChangeSwapsInvalidKeepsLastGood) {
    SotWatcher w(root_, {}, holder_, std::chrono::milliseconds(50));
    const auto original = holder_.get();
    EXPECT_FALSE(w.pollOnce());  // unchanged
    EXPECT_EQ(holder_.get(), original);

    write("sites/test-site/env.yml", "\n# touched\n", true);
    EXPECT_TRUE(w.pollOnce());
    const auto second = holder_.get();
    EXPECT_NE(second, original);
    EXPECT_EQ(second->hostCount(), original->hostCount());

    const std::string saved = [&] {
        std::ifstream in(root_ / "sites/test-site/inventory.yml");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    write("sites/test-site/inventory.yml", "name: [unclosed\n", false);
    EXPECT_FALSE(w.pollOnce());
    EXPECT_EQ(holder_.get(), second);  // last good model kept
    EXPECT_FALSE(w.pollOnce());        // the same broken state is not re-parsed

    write("sites/test-site/inventory.yml", saved, false);
    EXPECT_TRUE(w.pollOnce());
    EXPECT_NE(holder_.get(), second);
}

TEST_F(SotWatcherTest, AcceptHookCanRefuse) {
    SotWatcher w(root_, {}, holder_, std::chrono::milliseconds(50),
                 [](const model::Model&) { return std::string("no thanks"); });
    const auto original = holder_.get();
    write("sites/test-site/env.yml", "\n# touched\n", true);
    EXPECT_FALSE(w.pollOnce());
    EXPECT_EQ(holder_.get(), original);
}

TEST_F(SotWatcherTest, BackgroundThreadPicksUpChangesAndStops) {
    std::atomic<int> swaps{0};
    SotWatcher w(root_, {}, holder_, std::chrono::milliseconds(20), {},
                 [&swaps](const std::shared_ptr<const model::Model>&) {
                     ++swaps;
                     return true;
                 });
    w.start();
    write("sites/test-site/env.yml", "\n# touched\n", true);
    for (int i = 0; i < 250 && swaps == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    w.stop();
    EXPECT_EQ(swaps, 1);
}

}  // namespace
}  // namespace vq::server
