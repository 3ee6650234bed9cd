#include "server/sot_watcher.h"

#include <algorithm>
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

// A site's config: document naming a directory: the definitions come from there, a change
// there is a reload, and what is handed on is the SoT with those definitions.
TEST_F(SotWatcherTest, AConfigurationDirectoryIsTakenAndWatched) {
    std::vector<model::SotFile> handed;
    SotWatcher w(
        root_, {}, holder_, std::chrono::milliseconds(50), {},
        [&](const std::shared_ptr<const model::Model>&, const std::vector<model::SotFile>& files) {
            handed = files;
            return true;
        });
    const fs::path defs = root_.string() + "-defs";
    fs::remove_all(defs);
    fs::create_directories(defs);
    for (const char* d : {"assets", "boot", "os", "workflows"})
        fs::rename(root_ / d, defs / d);
    write("sites/test-site/cluster-config.yml",
          "config:\n  id: defs\n  type: local\n  url: " + defs.string() + "\n", false);
    ASSERT_TRUE(w.pollOnce()) << "sites only, definitions from " << defs;
    const auto os = [&] { return holder_.get()->os("coreos-1053.2.0-stable"); };
    ASSERT_NE(os(), nullptr);
    EXPECT_NE(std::find_if(handed.begin(), handed.end(),
                           [](const model::SotFile& f) { return f.path == "os/coreos-pxe.yml"; }),
              handed.end())
        << "the revision holds the definitions it was loaded with";
    EXPECT_FALSE(w.pollOnce());

    std::ofstream(defs / "os/coreos-pxe.yml", std::ios::app) << "# touched\n";
    EXPECT_TRUE(w.pollOnce()) << "a change in the configuration directory is a reload";

    // Gone: the SoT does not load (its workflows are unknown), the last good one serves.
    fs::rename(defs, defs.string() + ".away");
    const auto served = holder_.get();
    EXPECT_FALSE(w.pollOnce());
    EXPECT_EQ(holder_.get(), served);
    fs::rename(defs.string() + ".away", defs);
    EXPECT_FALSE(w.pollOnce()) << "back as it was: what is served";
    std::ofstream(defs / "os/coreos-pxe.yml", std::ios::app) << "# again\n";
    EXPECT_TRUE(w.pollOnce());
    fs::remove_all(defs);
}

TEST_F(SotWatcherTest, AcceptHookCanRefuse) {
    SotWatcher w(root_, {}, holder_, std::chrono::milliseconds(50),
                 [](const model::Model&) { return std::string("no thanks"); });
    const auto original = holder_.get();
    write("sites/test-site/env.yml", "\n# touched\n", true);
    EXPECT_FALSE(w.pollOnce());
    EXPECT_EQ(holder_.get(), original);
}

// A writer rewriting the SoT while a poll reads it (files renamed and rewritten, as a sync
// tool does): no torn mix of old and new is ever served; the last good model stays until a
// poll reads a directory that held still, and what is swapped in is exactly that.
TEST_F(SotWatcherTest, TornReadsAreNeverServed) {
    std::vector<model::SotFile> swapped_files;
    // Long enough that a writer preempted between truncating and writing a file (a loaded CI
    // machine) is not mistaken for a finished change.
    const auto settle = std::chrono::milliseconds(300);
    SotWatcher w(
        root_, {}, holder_, std::chrono::milliseconds(50), {},
        [&](const std::shared_ptr<const model::Model>&, const std::vector<model::SotFile>& files) {
            swapped_files = files;
            return true;
        },
        nullptr, settle);
    const auto original = holder_.get();
    const fs::path inv = root_ / "sites/test-site/inventory.yml";
    const std::string good = [&] {
        std::ifstream in(inv);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    std::atomic<bool> stop{false};
    std::atomic<int> rewrites{0};
    std::thread writer([&] {
        // Each round: a broken half-written file, then a valid new one renamed into place.
        for (int i = 0; !stop.load() && i < 100'000; ++i) {
            write("sites/test-site/inventory.yml", good.substr(0, good.size() / 2), false);
            write("sites/test-site/inventory.yml.tmp", good + "\n# round " + std::to_string(i),
                  false);
            fs::rename(root_ / "sites/test-site/inventory.yml.tmp", inv);
            ++rewrites;
        }
    });
    int swaps = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    for (int i = 0; i < 100'000 && std::chrono::steady_clock::now() < until; ++i) {
        if (w.pollOnce())
            ++swaps;
        // Whatever is served loaded without errors: every host is still there.
        ASSERT_EQ(holder_.get()->hostCount(), original->hostCount());
    }
    stop = true;
    writer.join();
    EXPECT_GT(rewrites.load(), 0);
    EXPECT_EQ(swaps, 0);  // never still for 300 ms
    // Quiet now: once the final state has held still, it is taken, read in one piece.
    w.pollOnce();
    std::this_thread::sleep_for(settle * 2);
    EXPECT_TRUE(w.pollOnce());
    EXPECT_EQ(holder_.get()->hostCount(), original->hostCount());
    ASSERT_FALSE(swapped_files.empty());
    std::ifstream in(inv);
    const std::string final_text(std::istreambuf_iterator<char>(in), {});
    bool found = false;
    for (const auto& f : swapped_files) {
        if (f.path == "sites/test-site/inventory.yml") {
            found = true;
            EXPECT_EQ(f.data, final_text);
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(SotWatcherTest, BackgroundThreadPicksUpChangesAndStops) {
    std::atomic<int> swaps{0};
    SotWatcher w(
        root_, {}, holder_, std::chrono::milliseconds(20), {},
        [&swaps](const std::shared_ptr<const model::Model>&, const std::vector<model::SotFile>&) {
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

// A change is loaded when it is written (inotify), not at the next poll; of a changed
// directory only the changed files are parsed again.
TEST_F(SotWatcherTest, AWriteIsLoadedWithoutWaitingForThePoll) {
    std::atomic<int> swaps{0};
    model::ParsedSotCache cache;
    SotWatcher w(
        root_, {}, holder_, std::chrono::hours(1), {},
        [&swaps](const std::shared_ptr<const model::Model>&, const std::vector<model::SotFile>&) {
            ++swaps;
            return true;
        },
        &cache);
    w.start();
    write("sites/test-site/env.yml", "\n# touched\n", true);
    for (int i = 0; i < 250 && swaps == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(swaps, 1);
    // A file in a directory made after the start is seen too, and parsed alone.
    fs::create_directories(root_ / "sites/new-site");
    write("sites/new-site/env.yml",
          "id: new-site\nsubnets:\n  - {id: n, cidr: 10.20.0.0/24, gateway: 10.20.0.1, dns: "
          "[10.20.0.2], "
          "ntp: [10.20.0.3]}\n"
          "agents:\n  - name: a\n",
          false);
    for (int i = 0; i < 250 && swaps == 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    w.stop();
    EXPECT_EQ(swaps, 2);
    EXPECT_EQ(cache.lastLoad().parsed, 1u);
    EXPECT_GT(cache.lastLoad().reused, 0u);
    ASSERT_TRUE(holder_.get());
    EXPECT_TRUE(holder_.get()->site("new-site"));
}

}  // namespace
}  // namespace vq::server
